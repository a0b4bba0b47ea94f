package packagerevision

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// waitingOn lists the revisions of a Repository that wait for something to
// be done: a task not yet run, or a spec change not yet acted upon. The
// others are left alone, so that a repository of many revisions costs
// little when it becomes ready.
func (r *Reconciler) waitingOn(ctx context.Context, obj client.Object) []reconcile.Request {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := r.List(ctx, list, client.InNamespace(obj.GetNamespace()), client.MatchingFields{repositoryIndex: obj.GetName()}); err != nil {
		return nil
	}
	var out []reconcile.Request
	for i := range list.Items {
		pr := &list.Items[i]
		// Waiting on its repository, or on a transient failure: one that
		// failed for good (Stalled) waits for a change of its spec, and is
		// not tried again, fetching its sources, at each turn to ready.
		ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
		waiting := ready == nil || ready.Reason == reasonRepositoryNotReady || ready.Reason == porchv1alpha1.ReasonPending
		if pr.SpecPending() && waiting {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: pr.Namespace, Name: pr.Name}})
		}
	}
	return out
}

// becameReady passes a Repository when it is created ready or turns ready.
func becameReady() predicate.Predicate {
	isReady := func(obj client.Object) bool {
		repo, ok := obj.(*configv1alpha1.Repository)
		return ok && meta.IsStatusConditionTrue(repo.Status.Conditions, configv1alpha1.ConditionReady)
	}
	return predicate.Funcs{
		CreateFunc:  func(e event.CreateEvent) bool { return isReady(e.Object) },
		UpdateFunc:  func(e event.UpdateEvent) bool { return !isReady(e.ObjectOld) && isReady(e.ObjectNew) },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
}
