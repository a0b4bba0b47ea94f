package packagevariant

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

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
