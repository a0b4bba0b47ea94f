package packagevariant

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
)

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
	defer func() { result, err = r.report.Finish(ctx, s.ending(), err, ctrl.Result{}) }()
	return ctrl.Result{}, r.steps(ctx, s)
}

// steps are the reconcile's work in order; each stops the rest on error.
func (r *Reconciler) steps(ctx context.Context, s *scope) error {
	if !s.pv.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, s)
	}
	for _, step := range []func(context.Context, *scope) error{
		r.addFinalizer,
		pure(validate),
		r.readPackages,
		pure(r.resolveUpstream),
		r.claimTargets,
		r.ensureDownstream,
		r.mutateDrafts,
	} {
		if err := step(ctx, s); err != nil {
			return err
		}
	}
	recordTargets(s)
	return nil
}

// pure is a step that decides from the scope alone, as one of the steps.
func pure(step func(*scope) error) func(context.Context, *scope) error {
	return func(_ context.Context, s *scope) error { return step(s) }
}
