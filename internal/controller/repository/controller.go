// Package repository reconciles Repository objects: it checks that the
// remote answers with the given credentials and that the registered branch
// exists (creating it when asked), mirrors every package revision of a git
// repository into PackageRevision, PackageRevisionResources and PorchPackage
// objects, keeps them current on a schedule, and reports the outcome in Ready.
package repository

import (
	"context"
	"errors"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/controller/shard"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/oci"
	"github.com/porch-dev/porch/internal/syncschedule"
)

// Options tune the Repository controller.
type Options struct {
	// SyncInterval is how often a repository without spec.sync.schedule is
	// synced (jittered by ±10%).
	SyncInterval time.Duration
	// MinSyncInterval is the shortest time a spec.sync.schedule may leave
	// between two syncs: admission refuses a faster schedule, and the
	// controller never syncs one sooner, in case it was admitted while the
	// webhook was not serving.
	MinSyncInterval time.Duration
	// RetryInterval is how soon a repository that is not Ready is tried again.
	RetryInterval time.Duration
	// ProbeTimeout bounds one listing of a remote's refs.
	ProbeTimeout time.Duration
	// SyncTimeout bounds one fetch and the writes that follow it, which is
	// as long as a sync holds its slot: the slot is taken after the ref
	// listing, only when the refs moved or a full sync is asked, and given
	// back with the last write. A remote that answers slowly keeps a slot
	// this long at most, and one namespace holds at most half of the
	// slots while another waits (see SyncLimiter).
	SyncTimeout time.Duration
	// MaxConcurrentSyncs bounds the syncs that fetch and write at once,
	// manager-wide, shared fairly between namespaces.
	MaxConcurrentSyncs int
	// Workers is how many repositories are reconciled at once.
	Workers int
	// WriteWorkers is how many object writes one sync makes at once.
	WriteWorkers int
	// MaxPackageBytes is the content limit of one package revision; a larger
	// one is mirrored without content.
	MaxPackageBytes int64
	// CacheDir holds the local git mirrors.
	CacheDir string
	// Remotes says which remotes the manager reaches for users; checked
	// before every probe, so that a Repository the webhook never saw (it
	// was down, or the flags narrowed since) reaches nothing it may not.
	Remotes git.RemotePolicy
	// MassDeletionMin and MassDeletionPercent bound what a sync deletes
	// unconfirmed: up to MassDeletionMin revisions, or MassDeletionPercent
	// of the repository's if that is more, and no Published revision. See
	// deletionGuard.
	MassDeletionMin, MassDeletionPercent int
}

// DefaultOptions are the controller's defaults.
var DefaultOptions = Options{
	SyncInterval: 10 * time.Minute, MinSyncInterval: syncschedule.DefaultMinInterval, RetryInterval: 30 * time.Second,
	ProbeTimeout: 30 * time.Second, SyncTimeout: 10 * time.Minute,
	MaxConcurrentSyncs: 4, Workers: 8, WriteWorkers: 8,
	MaxPackageBytes: porchv1alpha1.DefaultMaxPackageBytes,
	MassDeletionMin: 5, MassDeletionPercent: 10,
}

// resyncDelay is how soon a sync runs again when objects changed under it,
// the first time; it doubles each time in a row, up to RetryInterval.
const resyncDelay = time.Second

// Reconciler reconciles Repository objects.
type Reconciler struct {
	client.Client
	// APIReader reads uncached: Secrets (so the manager never caches every
	// Secret of the cluster) and the mirrored objects a sync compares with.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Prober    Prober
	Syncs     *SyncLimiter
	// Mirrors hands out the local git mirrors, shared with every other
	// controller that reads or writes git, so that one lock guards each.
	Mirrors *git.Mirrors
	// Shard is the Repositories this manager syncs; the zero one is all.
	Shard shard.Shard
	// SyncRequests, when set, enqueues the Repositories other controllers
	// ask to be reconciled.
	SyncRequests *SyncRequests
	Options      Options

	// memo lets a sync skip the objects left as wanted by the last one.
	memo syncMemo
	// resyncs spaces out the syncs run again because objects changed
	// under the last one.
	resyncs *outcome.Backoff
}

// scope carries what the steps of one reconcile learnt, from which the
// status is computed at the end.
type scope struct {
	repo     *configv1alpha1.Repository
	now      time.Time
	plan     syncPlan
	endpoint git.Endpoint
	// branchHash is the registered branch's commit; refsHash the hash of all
	// refs; syncKey that of everything that shapes the mirrored objects.
	branchHash, refsHash, syncKey string
	created                       bool
	// registry is an OCI repository's store.
	registry                    *oci.Store
	outcome                     syncOutcome
	revisionCount, packageCount int
	skipped                     []string
	requeueAfter                time.Duration
	// resync says that objects changed while the sync wrote them, so its
	// key is not recorded and it runs again soon, from a new listing.
	resync bool
	err    error
}

// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories/finalizers,verbs=update
// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions;packagerevisionresources;packages,verbs=get;list;watch;create;update;patch;delete;deletecollection
// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions/status;packagerevisionresources/status;packages/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile checks one Repository, syncs its package revisions when due,
// and records the outcome in its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	repo := &configv1alpha1.Repository{}
	if err := r.Get(ctx, req.NamespacedName, repo); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !r.Shard.OwnsRepository(repo) {
		return ctrl.Result{}, nil // another manager's: relabelled since queued
	}
	if !repo.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.finalize(ctx, repo)
	}
	if err := r.addFinalizer(ctx, repo); err != nil {
		return ctrl.Result{}, err
	}

	patcher := outcome.NewPatcher(repo, FieldOwner)
	s := &scope{repo: repo, now: time.Now()}
	defer func() {
		r.recordStatus(ctx, s)
		if err := patcher.Patch(ctx, r.Client, repo); err != nil {
			retErr = kerrors.NewAggregate([]error{retErr, err})
		}
	}()
	s.err = r.steps(ctx, s)
	next := s.plan.requeueAfter(s.now)
	switch {
	case s.outcome == syncDeferred:
		// Woken when its namespace's turn comes; this is in case that
		// reconcile finds nothing to do and does not pass the turn on.
		if wait := outcome.Jitter(r.Options.RetryInterval); next <= 0 || next > wait {
			next = wait
		}
	case s.resync:
		// Soon, and later each time objects change under it again, so
		// that a sync that cannot settle never runs every second.
		if wait := r.resyncs.Retry(req.NamespacedName); next <= 0 || next > wait {
			next = wait
		}
	case s.outcome == syncDone:
		r.resyncs.Forget(req.NamespacedName)
	}
	result, err := outcome.Result(ctrl.Result{RequeueAfter: next}, s.err)
	s.requeueAfter = result.RequeueAfter
	return result, err
}

// steps are the reconcile's work in order; each stops the rest on error.
func (r *Reconciler) steps(ctx context.Context, s *scope) (err error) {
	if s.plan, err = planSync(s.repo, s.now, r.Options.SyncInterval, r.Options.MinSyncInterval); err != nil {
		return err
	}
	if err = r.probe(ctx, s); err != nil {
		return err
	}
	return r.sync(ctx, s)
}

// recordStatus computes the status from the scope and emits an event when Ready changed.
func (r *Reconciler) recordStatus(ctx context.Context, s *scope) {
	if s.outcome == syncDeferred {
		return // nothing was done yet: the status stays what the last sync made it
	}
	st := &s.repo.Status
	before := meta.FindStatusCondition(st.Conditions, configv1alpha1.ConditionReady)
	if s.err == nil {
		st.ObservedGeneration = s.repo.Generation
		if s.repo.Spec.Type == configv1alpha1.RepositoryTypeGit {
			st.GitCommitHash = s.branchHash
			st.ObservedBranch = s.repo.Branch()
		}
	}
	if s.outcome == syncDone || s.outcome == syncUnchanged {
		at := metav1Time(s.now)
		st.LastFullSyncTime = &at
	}
	if s.outcome == syncDone {
		if !s.resync {
			st.SyncedRefsHash = s.syncKey
		}
		st.PackageCount = s.revisionCount
		observeSynced(s.repo, s.revisionCount, s.packageCount)
		if s.plan.runOnceNow {
			st.ObservedRunOnceAt = s.repo.Spec.Sync.RunOnceAt.DeepCopy()
		}
	}
	if s.requeueAfter > 0 {
		next := metav1Time(s.now.Add(s.requeueAfter))
		st.NextFullSyncTime = &next
	}
	ready := readyCondition(s.repo.Generation, readySummary(s), s.err)
	if s.outcome == syncUnchanged && before != nil && before.Status == ready.Status && before.Reason == ready.Reason {
		ready.Message = before.Message // nothing was read again: what the last sync said still holds
	}
	meta.SetStatusCondition(&st.Conditions, ready)
	if before == nil || before.Status != ready.Status || before.Reason != ready.Reason {
		eventType := "Normal"
		if ready.Status != "True" {
			eventType = "Warning"
		}
		r.Recorder.Eventf(s.repo, nil, eventType, ready.Reason, "Sync", "%s", outcome.EventNote(ready.Message))
		log.FromContext(ctx).Info("Repository readiness changed", "ready", ready.Status, "reason", ready.Reason)
	}
}

// SetupWithManager registers the controller; only spec and annotation
// changes, deletion and sync requests trigger a reconcile, besides the sync
// schedule.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Mirrors == nil {
		return errors.New("the repository controller needs the process's Mirrors")
	}
	r.resyncs = outcome.NewBackoff(resyncDelay, r.Options.RetryInterval)
	b := ctrl.NewControllerManagedBy(mgr).
		// An annotation may confirm a held deletion (AllowMassDeletionAnnotation).
		For(&configv1alpha1.Repository{}, builder.WithPredicates(r.Shard.Repositories(),
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.Options.Workers, 1)}).
		Named("repository")
	if r.SyncRequests != nil {
		b = b.WatchesRawSource(r.SyncRequests.source())
	}
	return b.Complete(r)
}
