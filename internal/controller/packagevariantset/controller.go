// Package packagevariantset reconciles PackageVariantSets: one
// PackageVariant per target (repositories by name or by label, or objects
// of any kind by label), made from the set's template with CEL
// expressions, kept in place as targets stay and deleted as they go.
package packagevariantset

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/controller/shard"
)

// FieldOwner names this controller in the objects' managed fields.
const FieldOwner = client.FieldOwner("porch-packagevariantset")

// Options tune the controller.
type Options struct {
	// Workers is how many sets are reconciled at once.
	Workers int
	// RetryInterval is how soon a set waiting for its upstream is tried again.
	RetryInterval time.Duration
	// ResyncInterval is how often a set selecting objects by label is
	// reconciled again: those objects may be of any kind, so they are
	// listed, not watched.
	ResyncInterval time.Duration
	// AllowClusterScopedSelectors lets an objectSelector name a kind that
	// is not namespaced; such a set stalls when false.
	AllowClusterScopedSelectors bool
}

// DefaultOptions are the controller's defaults.
var DefaultOptions = Options{Workers: 2, RetryInterval: 30 * time.Second, ResyncInterval: 2 * time.Minute}

// Reconciler reconciles PackageVariantSets.
type Reconciler struct {
	client.Client
	// APIReader lists the objects an objectSelector names, of any kind,
	// without making the manager cache every kind.
	APIReader client.Reader
	Options   Options
	// Shard is the Repositories whose sets (by their upstream) this
	// manager keeps; the zero one is all.
	Shard shard.Shard

	report *outcome.Reporter
}

// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=packagevariantsets,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=packagevariantsets/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=packagevariants,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories,verbs=get;list;watch

// Reconcile makes a set's PackageVariants what its targets and template
// say, and records the outcome in its conditions.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	s, err := r.load(ctx, req.NamespacedName)
	if err != nil || s == nil {
		return ctrl.Result{}, err
	}
	defer func() { result, err = r.report.Finish(ctx, s.ending(), err, s.resync(r.Options.ResyncInterval)) }()
	return ctrl.Result{}, r.steps(ctx, s)
}

// steps are the reconcile's work in order; each stops the rest on error.
func (r *Reconciler) steps(ctx context.Context, s *scope) error {
	if !s.pvs.DeletionTimestamp.IsZero() {
		return nil // its PackageVariants are owned by it, and go with it
	}
	if err := compile(s); err != nil {
		return err
	}
	if err := r.resolveUpstream(ctx, s); err != nil {
		return err
	}
	if err := r.expandTargets(ctx, s); err != nil {
		return err
	}
	if err := renderVariants(s); err != nil {
		return err
	}
	return r.applyVariants(ctx, s)
}
