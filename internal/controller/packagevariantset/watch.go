package packagevariantset

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/index"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// The cache indexes sets by their upstream package, so that a revision
// wakes only the sets it is the upstream of.
const upstreamIndex = "packagevariantset.upstream"

var packageKey = index.PackageKey

// SetupWithManager registers the controller. A set is reconciled when it
// or one of its PackageVariants changes, when a revision of its upstream
// package changes, and when a Repository of its namespace does (targets
// select repositories by label).
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.report = outcome.NewReporter(r.Client, mgr.GetEventRecorder("packagevariantset-controller"))
	indexer := mgr.GetFieldIndexer()
	if err := indexer.IndexField(context.Background(), &configv1alpha1.PackageVariantSet{}, upstreamIndex, func(o client.Object) []string {
		if up := o.(*configv1alpha1.PackageVariantSet).Spec.Upstream; up != nil {
			return []string{packageKey(up.Repo, up.Package)}
		}
		return nil
	}); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&configv1alpha1.PackageVariantSet{}).
		Owns(&configv1alpha1.PackageVariant{}).
		Watches(&porchv1alpha1.PackageRevision{}, handler.EnqueueRequestsFromMapFunc(r.setsOfUpstream)).
		Watches(&configv1alpha1.Repository{}, handler.EnqueueRequestsFromMapFunc(r.setsOfNamespace)).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.Options.Workers, 1)}).
		Named("packagevariantset").
		Complete(r)
}

func (r *Reconciler) setsOfUpstream(ctx context.Context, obj client.Object) []ctrl.Request {
	pr := obj.(*porchv1alpha1.PackageRevision)
	return r.sets(ctx, client.InNamespace(pr.Namespace), client.MatchingFields{upstreamIndex: packageKey(pr.Spec.RepositoryName, pr.Spec.PackageName)})
}

func (r *Reconciler) setsOfNamespace(ctx context.Context, obj client.Object) []ctrl.Request {
	return r.sets(ctx, client.InNamespace(obj.GetNamespace()))
}

func (r *Reconciler) sets(ctx context.Context, opts ...client.ListOption) []ctrl.Request {
	list := &configv1alpha1.PackageVariantSetList{}
	if err := r.List(ctx, list, opts...); err != nil {
		return nil // the cache lists from memory; nothing to retry
	}
	requests := make([]ctrl.Request, len(list.Items))
	for i, pvs := range list.Items {
		requests[i] = ctrl.Request{NamespacedName: client.ObjectKeyFromObject(&pvs)}
	}
	return requests
}
