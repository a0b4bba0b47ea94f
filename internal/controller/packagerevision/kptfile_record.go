package packagerevision

import (
	"context"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// recordInKptfile writes into a draft's Kptfile what travels with the
// package there, as upstream does on an update: spec.packageMetadata and
// spec.readinessGates changed since the task ran, and the package
// conditions users set in status.packageConditions, which upstream keeps
// in the Kptfile's status. It commits only when the Kptfile lacks some of
// them; nothing is rendered, as none changes what the pipeline makes.
func (r *Reconciler) recordInKptfile(ctx context.Context, s *scope) error {
	if !s.pr.Adopted() || s.state.Draft == "" || s.prr == nil || len(s.prr.Status.Resources) == 0 {
		return nil
	}
	current := cad.Package(s.prr.Status.Resources)
	files := current
	if s.pr.SpecPending() {
		var err error
		if files, err = withMetadata(files, s.pr.Spec); err != nil {
			return err
		}
	}
	files = withPackageConditions(files, s.pr.Status.PackageConditions)
	if files[cad.KptfileName] == current[cad.KptfileName] {
		return nil
	}
	spec := s.pr.Spec
	commit, err := s.store.UpdateDraft(ctx, draftUpdate{
		Package: spec.PackageName, Workspace: spec.WorkspaceName, Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
		Head: s.state.Draft, Files: files,
	})
	if err != nil {
		return r.writeFailed(ctx, s, err)
	}
	var status porchv1alpha1.RenderStatus
	if s.prr.Status.RenderStatus != nil {
		status = *s.prr.Status.RenderStatus
	}
	if err := r.saveResources(ctx, s, rendering{files: files, status: status}, commit); err != nil {
		return err
	}
	r.requestSync(s)
	return r.readState(ctx, s)
}
