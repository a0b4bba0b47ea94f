package packagevariant

import (
	"cmp"
	"context"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// claimTargets finds the downstream revisions the variant keeps current.
// It adopts unowned revisions of the downstream package when the
// adoption policy says so, lets go of the revisions it owns elsewhere (the
// downstream moved) as the deletion policy says, and takes as targets its
// Drafts and Proposed revisions, or else its latest Published one.
func (r *Reconciler) claimTargets(ctx context.Context, s *scope) error {
	down := s.pv.Spec.Downstream
	owned, err := r.ownedRevisions(ctx, s.pv)
	if err != nil {
		return err
	}
	for _, pr := range owned {
		if pr.Spec.RepositoryName != down.Repo || pr.Spec.PackageName != down.Package {
			if err := r.release(ctx, s, pr); err != nil {
				return err
			}
		}
	}
	var mine []*porchv1alpha1.PackageRevision
	for _, pr := range s.downstream {
		switch {
		case !pr.DeletionTimestamp.IsZero() || pr.Spec.Revision < 0:
			// Going, or the branch placeholder, which is never a target.
		case ownedBy(pr, s.pv):
			mine = append(mine, pr)
		case ownedByAVariant(pr):
		case s.pv.Spec.AdoptionPolicy == configv1alpha1.AdoptionPolicyAdoptExisting:
			if err := r.adopt(ctx, s, pr); err != nil {
				return err
			}
			mine = append(mine, pr)
		default:
			made, err := r.madeBy(ctx, s, pr)
			if err != nil {
				return err
			}
			if made {
				if err := r.adopt(ctx, s, pr); err != nil {
					return err
				}
				mine = append(mine, pr)
			}
		}
	}
	s.targets = targetsAmong(mine)
	return nil
}

// madeBy says whether the variant made pr, as pr's Kptfile says (see
// PackageVariantAnnotation): a revision it made and lost, its owner
// reference gone with a cluster rebuilt from git, is its own again.
func (r *Reconciler) madeBy(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) (bool, error) {
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	kf, err := kptfile.Read(prr.Status.Resources[cad.KptfileName])
	if err != nil {
		return false, nil // not a package it made, which it could read
	}
	return kf.Annotations[configv1alpha1.PackageVariantAnnotation] == s.pv.Name, nil
}

// targetsAmong picks the revisions to keep current: every Draft and
// Proposed one, or else the latest Published one.
func targetsAmong(mine []*porchv1alpha1.PackageRevision) []*porchv1alpha1.PackageRevision {
	var unpublished []*porchv1alpha1.PackageRevision
	var latest *porchv1alpha1.PackageRevision
	for _, pr := range mine {
		switch pr.Spec.Lifecycle {
		case porchv1alpha1.PackageRevisionLifecycleDraft, porchv1alpha1.PackageRevisionLifecycleProposed:
			unpublished = append(unpublished, pr)
		case porchv1alpha1.PackageRevisionLifecyclePublished:
			if latest == nil || pr.Spec.Revision > latest.Spec.Revision {
				latest = pr
			}
		}
	}
	if len(unpublished) > 0 || latest == nil {
		slices.SortFunc(unpublished, func(a, b *porchv1alpha1.PackageRevision) int { return cmp.Compare(a.Name, b.Name) })
		return unpublished
	}
	return []*porchv1alpha1.PackageRevision{latest}
}

func ownedByAVariant(pr *porchv1alpha1.PackageRevision) bool {
	return slices.ContainsFunc(pr.OwnerReferences, func(ref metav1.OwnerReference) bool {
		return ref.Kind == "PackageVariant" && ref.APIVersion == configv1alpha1.GroupVersion.String()
	})
}

// adopt makes an existing revision the variant's, with the labels and
// annotations the variant gives its revisions.
func (r *Reconciler) adopt(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) error {
	before := pr.DeepCopy()
	control(pr, s.pv)
	withMetadata(pr, s.pv)
	if err := r.Patch(ctx, pr, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner); err != nil {
		return err
	}
	r.report.Event(s.pv, "Adopted", "adopted %s", pr.Name)
	return nil
}

// withMetadata sets the labels and annotations the variant gives its
// revisions; it says whether it changed anything.
func withMetadata(pr *porchv1alpha1.PackageRevision, pv *configv1alpha1.PackageVariant) bool {
	changed := false
	for k, v := range pv.Spec.Labels {
		if pr.Labels[k] != v {
			if pr.Labels == nil {
				pr.Labels = map[string]string{}
			}
			pr.Labels[k], changed = v, true
		}
	}
	for k, v := range pv.Spec.Annotations {
		if pr.Annotations[k] != v {
			if pr.Annotations == nil {
				pr.Annotations = map[string]string{}
			}
			pr.Annotations[k], changed = v, true
		}
	}
	return changed
}

// disown removes the variant's reference; the Repository's becomes the
// controller again.
func disown(pr *porchv1alpha1.PackageRevision, pv *configv1alpha1.PackageVariant) {
	pr.OwnerReferences = slices.DeleteFunc(pr.OwnerReferences, func(ref metav1.OwnerReference) bool { return ref.UID == pv.UID })
	for i := range pr.OwnerReferences {
		if ref := &pr.OwnerReferences[i]; ref.Kind == "Repository" && ref.APIVersion == configv1alpha1.GroupVersion.String() {
			yes := true
			ref.Controller = &yes
			return
		}
	}
}
