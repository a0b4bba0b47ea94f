package packagevariant

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// release lets go of a revision the variant owns, as the deletion policy
// says: orphan keeps it; delete deletes a Draft or Proposed revision and
// proposes a Published one for deletion, which a person then approves.
func (r *Reconciler) release(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) error {
	if s.pv.Spec.DeletionPolicy != configv1alpha1.DeletionPolicyOrphan {
		switch pr.Spec.Lifecycle {
		case porchv1alpha1.PackageRevisionLifecycleDraft, porchv1alpha1.PackageRevisionLifecycleProposed:
			r.report.Event(s.pv, "Deleted", "deleted %s", pr.Name)
			return client.IgnoreNotFound(r.Delete(ctx, pr, client.Preconditions{UID: &pr.UID}))
		case porchv1alpha1.PackageRevisionLifecyclePublished:
			before := pr.DeepCopy()
			pr.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
			disown(pr, s.pv)
			r.report.Event(s.pv, "ProposedForDeletion", "proposed %s for deletion", pr.Name)
			return r.Patch(ctx, pr, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
		}
	}
	before := pr.DeepCopy()
	disown(pr, s.pv)
	r.report.Event(s.pv, "Orphaned", "let go of %s", pr.Name)
	return r.Patch(ctx, pr, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
}

// finalize lets go of every revision the variant owns, as its deletion
// policy says, then lets the variant go.
func (r *Reconciler) finalize(ctx context.Context, s *scope) error {
	if !controllerutil.ContainsFinalizer(s.pv, configv1alpha1.PackageVariantFinalizer) {
		return nil
	}
	owned, err := r.ownedRevisions(ctx, s.pv)
	if err != nil {
		return err
	}
	for _, pr := range owned {
		if err := r.release(ctx, s, pr); err != nil {
			return client.IgnoreNotFound(err)
		}
	}
	before := s.pv.DeepCopy()
	controllerutil.RemoveFinalizer(s.pv, configv1alpha1.PackageVariantFinalizer)
	return r.Patch(ctx, s.pv, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
}
