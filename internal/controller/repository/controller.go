// Package repository reconciles Repository objects: it checks that the
// remote answers with the given credentials, that the registered branch
// exists (creating it when asked), and reports the outcome in Ready.
package repository

import (
	"context"
	"math/rand/v2"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/reconcile"
)

// Options tune the Repository controller.
type Options struct {
	// CheckInterval is how often a Ready repository is checked again.
	CheckInterval time.Duration
	// RetryInterval is how soon a repository that is not Ready is checked again.
	RetryInterval time.Duration
	// ProbeTimeout bounds one check of a remote.
	ProbeTimeout time.Duration
}

// DefaultOptions are the controller's defaults.
var DefaultOptions = Options{CheckInterval: 5 * time.Minute, RetryInterval: 30 * time.Second, ProbeTimeout: 30 * time.Second}

// Reconciler reconciles Repository objects.
type Reconciler struct {
	client.Client
	// SecretReader reads credentials uncached, so the manager never caches every Secret of the cluster.
	SecretReader client.Reader
	Recorder     events.EventRecorder
	Prober       Prober
	Options      Options
}

// scope carries what the steps of one reconcile learnt, from which the
// conditions are computed at the end.
type scope struct {
	repo       *configv1alpha1.Repository
	branchHash string
	created    bool
	err        error
}

// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories,verbs=get;list;watch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile checks one Repository and records the outcome in its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	repo := &configv1alpha1.Repository{}
	if err := r.Get(ctx, req.NamespacedName, repo); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !repo.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	patcher := reconcile.NewStatusPatcher(repo)
	s := &scope{repo: repo}
	defer func() {
		r.recordStatus(ctx, s)
		if err := patcher.Patch(ctx, r.Client, repo, repositoryStatus); err != nil {
			retErr = kerrors.NewAggregate([]error{retErr, client.IgnoreNotFound(err)})
		}
	}()

	s.err = r.probe(ctx, s)
	return reconcile.Result(ctrl.Result{RequeueAfter: jitter(r.Options.CheckInterval)}, s.err)
}

// recordStatus computes the conditions from the scope and emits an event when Ready changed.
func (r *Reconciler) recordStatus(ctx context.Context, s *scope) {
	before := meta.FindStatusCondition(s.repo.Status.Conditions, configv1alpha1.ConditionReady)
	ready := readyCondition(s.repo.Generation, s.branchHash, s.created, s.err)
	meta.SetStatusCondition(&s.repo.Status.Conditions, ready)
	if s.err == nil {
		s.repo.Status.ObservedGeneration = s.repo.Generation
		if s.repo.Spec.Type == configv1alpha1.RepositoryTypeGit {
			s.repo.Status.GitCommitHash = s.branchHash
		}
	}
	if before == nil || before.Status != ready.Status || before.Reason != ready.Reason {
		eventType := "Normal"
		if ready.Status != "True" {
			eventType = "Warning"
		}
		r.Recorder.Eventf(s.repo, nil, eventType, ready.Reason, "Check", "%s", ready.Message)
		log.FromContext(ctx).Info("Repository readiness changed", "ready", ready.Status, "reason", ready.Reason)
	}
}

func repositoryStatus(o client.Object) any { return o.(*configv1alpha1.Repository).Status }

// jitter spreads checks of many repositories over ±10% of the interval.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - d/10 + time.Duration(rand.Int64N(int64(d/5)+1))
}

// SetupWithManager registers the controller; only spec changes trigger a reconcile.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		For(&configv1alpha1.Repository{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Named("repository").
		Complete(r)
}
