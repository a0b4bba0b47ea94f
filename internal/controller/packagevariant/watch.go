package packagevariant

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// SetupWithManager registers the controller. A variant is reconciled when
// it changes, and when a revision of its upstream or downstream package,
// or one it owns, changes: only those variants, found by index.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.report = outcome.NewReporter(r.Client, mgr.GetEventRecorder("packagevariant-controller"))
	if err := addIndexes(context.Background(), mgr); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).Named("packagevariant").
		For(&configv1alpha1.PackageVariant{}).
		Watches(&porchv1alpha1.PackageRevision{}, handler.EnqueueRequestsFromMapFunc(r.variantsConcerned)).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.Options.Workers, 1)}).
		Complete(r)
}

// variantsConcerned are the variants whose upstream or downstream package
// the revision is of, and those owning it.
func (r *Reconciler) variantsConcerned(ctx context.Context, obj client.Object) []reconcile.Request {
	pr := obj.(*porchv1alpha1.PackageRevision)
	names := map[string]bool{}
	for _, ref := range pr.OwnerReferences {
		if ref.Kind == "PackageVariant" && ref.APIVersion == configv1alpha1.GroupVersion.String() {
			names[ref.Name] = true
		}
	}
	k := packageKey(pr.Spec.RepositoryName, pr.Spec.PackageName)
	for _, index := range []string{upstreamIndex, downstreamIndex} {
		list := &configv1alpha1.PackageVariantList{}
		if err := r.List(ctx, list, client.InNamespace(pr.Namespace), client.MatchingFields{index: k}); err != nil {
			continue // the cache lists from memory; nothing to retry
		}
		for _, pv := range list.Items {
			names[pv.Name] = true
		}
	}
	requests := make([]reconcile.Request, 0, len(names))
	for name := range names {
		requests = append(requests, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: pr.Namespace, Name: name}})
	}
	return requests
}
