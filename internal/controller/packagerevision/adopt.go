package packagerevision

import (
	"context"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// addFinalizer holds a revision until its deletion is carried out in git.
// Revisions the sync makes carry it from the start.
func (r *Reconciler) addFinalizer(ctx context.Context, s *scope) error {
	if controllerutil.ContainsFinalizer(s.pr, porchv1alpha1.PackageRevisionFinalizer) {
		return nil
	}
	before := s.pr.DeepCopy()
	controllerutil.AddFinalizer(s.pr, porchv1alpha1.PackageRevisionFinalizer)
	return r.patchSpec(ctx, s, before, client.MergeFromWithOptimisticLock{})
}

// adopt marks a revision whose draft is committed as its repository's, as
// the sync marks the revisions it makes: from now on the sync mirrors it,
// and updates this object rather than making another. The readiness gates
// of the committed Kptfile that the spec lacks (those of a cloned or
// copied package) join spec.readinessGates, where upstream shows them too,
// so that admission and porchctl hold the revision to them.
func (r *Reconciler) adopt(ctx context.Context, s *scope, gates ...porchv1alpha1.ReadinessGate) error {
	before := s.pr.DeepCopy()
	for _, g := range gates {
		if !slices.ContainsFunc(s.pr.Spec.ReadinessGates, func(have porchv1alpha1.ReadinessGate) bool { return have.ConditionType == g.ConditionType }) {
			s.pr.Spec.ReadinessGates = append(s.pr.Spec.ReadinessGates, g)
		}
	}
	if s.pr.Labels == nil {
		s.pr.Labels = map[string]string{}
	}
	s.pr.Labels[porchv1alpha1.RepositoryLabel] = s.repo.Name
	ownBy(s.pr, s.repo)
	return r.patchSpec(ctx, s, before, client.MergeFromWithOptimisticLock{})
}

// ownBy makes repo an owner of obj, as the sync is of what it mirrors:
// its controller, unless something else controls obj already (the
// PackageVariant that made it), which stays its controller. The reference
// of another Repository (an earlier one of the same name) goes.
func ownBy(obj metav1.Object, repo *configv1alpha1.Repository) {
	owner := repo.ControllerReference()
	var refs []metav1.OwnerReference
	for _, ref := range obj.GetOwnerReferences() {
		switch {
		case ref.UID == repo.UID || ref.Kind == "Repository" && ref.APIVersion == configv1alpha1.GroupVersion.String():
		case ref.Controller != nil && *ref.Controller:
			no := false
			owner.Controller = &no
			refs = append(refs, ref)
		default:
			refs = append(refs, ref)
		}
	}
	obj.SetOwnerReferences(append([]metav1.OwnerReference{owner}, refs...))
}
