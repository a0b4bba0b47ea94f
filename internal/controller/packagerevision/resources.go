package packagerevision

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/render"
)

// ownResources labels and owns resources as their repository's, as the
// sync does, once their revision is adopted: resources of a revision not
// in the repository yet must not look like the sync's to delete.
func ownResources(prr *porchv1alpha1.PackageRevisionResources, s *scope) {
	if prr.Labels == nil {
		prr.Labels = map[string]string{}
	}
	prr.Labels[porchv1alpha1.RepositoryLabel] = s.repo.Name
	ownBy(prr, s.repo)
}

// saveResources records a render's outcome in the revision's resources'
// status, written with the revision's at the end of the reconcile, making
// the resources when the revision has none yet. commit is the commit that
// holds the files; "" when nothing was committed, and then the resources
// keep the content committed before, if any.
func (r *Reconciler) saveResources(ctx context.Context, s *scope, result rendering, commit string) error {
	if s.prr == nil {
		prr := &porchv1alpha1.PackageRevisionResources{
			ObjectMeta: metav1.ObjectMeta{Name: s.pr.Name, Namespace: s.pr.Namespace},
			Spec: porchv1alpha1.PackageRevisionResourcesSpec{PackageName: s.pr.Spec.PackageName, WorkspaceName: s.pr.Spec.WorkspaceName,
				Revision: s.pr.Spec.Revision, RepositoryName: s.pr.Spec.RepositoryName},
		}
		if s.pr.Adopted() {
			ownResources(prr, s)
		}
		err := r.Create(ctx, prr, FieldOwner)
		if apierrors.IsAlreadyExists(err) {
			// The sync mirrored the draft first.
			err = r.APIReader.Get(ctx, client.ObjectKeyFromObject(prr), prr)
		}
		if err != nil {
			return fmt.Errorf("creating the resources of %s: %w", s.pr.Name, err)
		}
		s.setResources(prr)
	}
	if s.pr.Adopted() && s.prr.Labels[porchv1alpha1.RepositoryLabel] != s.repo.Name {
		// Made before the revision was adopted (its first render failed).
		before := s.prr.DeepCopy()
		ownResources(s.prr, s)
		if err := r.Patch(ctx, s.prr, client.MergeFrom(before), FieldOwner); err != nil {
			return fmt.Errorf("adopting the resources of %s: %w", s.pr.Name, err)
		}
		s.resourcesStatus.Reset(s.prr)
	}
	st := &s.prr.Status
	if commit != "" || st.Resources == nil {
		st.Resources = result.files
	}
	if commit != "" {
		st.Commit = commit
	}
	renderStatus := render.BoundStatus(result.status, porchv1alpha1.MaxRenderStatusBytes)
	st.RenderStatus = &renderStatus
	st.ObservedGeneration = s.prr.Generation
	return nil
}
