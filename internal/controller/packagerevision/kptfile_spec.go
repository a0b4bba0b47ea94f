package packagerevision

import (
	"context"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/git"
)

// recordSpecInKptfile writes a draft's spec.packageMetadata and
// spec.readinessGates, changed since its task ran, into its Kptfile, as
// upstream does on an update: the Kptfile is where they travel with the
// package. It commits only when the Kptfile lacks some of them; nothing is
// rendered, as neither changes what the pipeline makes.
func (r *Reconciler) recordSpecInKptfile(ctx context.Context, s *scope) error {
	spec := s.pr.Spec
	if !s.specPending() || !s.adopted() || s.state.Draft.IsZero() || s.prr == nil || len(s.prr.Status.Resources) == 0 ||
		(spec.PackageMetadata == nil && len(spec.ReadinessGates) == 0) {
		return nil
	}
	current := cad.Package(s.prr.Status.Resources)
	files, err := withMetadata(current, spec)
	if err != nil || files[cad.KptfileName] == current[cad.KptfileName] {
		return err
	}
	commit, _, err := s.writer.UpdateDraft(ctx, git.DraftUpdate{
		Package: spec.PackageName, Workspace: spec.WorkspaceName, Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
		Head: s.state.Draft, Files: files, Subject: git.PatchSubject,
	})
	if err != nil {
		return r.writeFailed(ctx, s, err)
	}
	var status porchv1alpha1.RenderStatus
	if s.prr.Status.RenderStatus != nil {
		status = *s.prr.Status.RenderStatus
	}
	if err := r.saveResources(ctx, s, rendering{files: files, status: status}, commit.String()); err != nil {
		return err
	}
	r.requestSync(s)
	return r.readState(s)
}
