// Package packagevariant reconciles PackageVariants: it keeps a downstream
// package cloned from an upstream package revision, upgraded when the
// upstream moves on, and mutated as the spec says. It is a pure client of
// the API: it creates and edits PackageRevisions and their resources, and
// the authoring controller does the git work. It never proposes or
// approves.
package packagevariant

import (
	"context"
	"time"

	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/porch-dev/porch/internal/controller/outcome"
)

// FieldOwner names this controller in the objects' managed fields.
const FieldOwner = client.FieldOwner("porch-packagevariant")

// Options tune the controller.
type Options struct {
	// Workers is how many PackageVariants are reconciled at once.
	Workers int
	// RetryInterval is how soon a variant waiting on something outside
	// its spec (an upstream that does not exist yet) is tried again.
	RetryInterval time.Duration
}

// DefaultOptions are the controller's defaults.
var DefaultOptions = Options{Workers: 4, RetryInterval: 30 * time.Second}

// Reconciler reconciles PackageVariants.
type Reconciler struct {
	client.Client
	// APIReader reads uncached: the resources of revisions, whose content
	// the manager does not cache, and the in-cluster objects injected.
	APIReader client.Reader
	Recorder  events.EventRecorder
	Options   Options

	// lostRaces spaces out the retries of objects whose writes lose races.
	lostRaces *outcome.Backoff
}

// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=packagevariants,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=packagevariants/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=packagevariants/finalizers,verbs=update
// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions;packagerevisionresources,verbs=get;list;watch;create;update;patch;delete

// Reconcile brings one PackageVariant's downstream package to what its
// spec asks, and records the outcome in its conditions.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	s, err := r.load(ctx, req.NamespacedName)
	if err != nil || s == nil {
		return ctrl.Result{}, err
	}
	end := outcome.Ending{Client: r.Client, Object: s.pv, Patcher: s.status, Races: r.lostRaces, Key: req.NamespacedName,
		Record: func(err error) { recordOutcome(s, err) }}
	defer func() { result, err = end.Finish(ctx, err, ctrl.Result{}) }()
	return ctrl.Result{}, r.steps(ctx, s)
}

// steps are the reconcile's work in order; each stops the rest on error.
func (r *Reconciler) steps(ctx context.Context, s *scope) error {
	if !s.pv.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, s)
	}
	if err := r.addFinalizer(ctx, s); err != nil {
		return err
	}
	if err := validate(s); err != nil {
		return err
	}
	if err := r.resolveUpstream(ctx, s); err != nil {
		return err
	}
	if err := r.claimTargets(ctx, s); err != nil {
		return err
	}
	if err := r.ensureDownstream(ctx, s); err != nil {
		return err
	}
	return r.mutateDrafts(ctx, s)
}
