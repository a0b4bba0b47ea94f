package packagerevision

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// saveResources records a render's outcome in the revision's resources,
// making them when the revision has none yet. commit is the commit that
// holds the files; "" when nothing was committed, and then the resources
// keep the content committed before, if any.
func (r *Reconciler) saveResources(ctx context.Context, s *scope, result rendering, commit string) error {
	if s.prr == nil {
		prr := &porchv1alpha1.PackageRevisionResources{
			ObjectMeta: metav1.ObjectMeta{Name: s.pr.Name, Namespace: s.pr.Namespace,
				Labels: map[string]string{porchv1alpha1.RepositoryLabel: s.repo.Name}},
			Spec: porchv1alpha1.PackageRevisionResourcesSpec{PackageName: s.pr.Spec.PackageName, WorkspaceName: s.pr.Spec.WorkspaceName,
				Revision: s.pr.Spec.Revision, RepositoryName: s.pr.Spec.RepositoryName},
		}
		ownBy(prr, s.repo)
		if err := r.Create(ctx, prr, FieldOwner); err != nil {
			return fmt.Errorf("creating the resources of %s: %w", s.pr.Name, err)
		}
		s.prr = prr
	}
	before := s.prr.DeepCopy()
	st := &s.prr.Status
	if commit != "" || st.Resources == nil {
		st.Resources = result.files
	}
	if commit != "" {
		st.Commit = commit
	}
	renderStatus := result.status
	st.RenderStatus = &renderStatus
	st.ObservedGeneration = s.prr.Generation
	if err := r.Status().Patch(ctx, s.prr, client.MergeFrom(before), FieldOwner); err != nil {
		return fmt.Errorf("recording the resources of %s: %w", s.pr.Name, err)
	}
	return nil
}
