package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/repository"
)

// edit renders and commits a user's edit of a draft's resources. A render
// that fails commits nothing (unless the revision asks to push anyway):
// the committed content stays, and the failure is in the render status
// and the Rendered condition. An edit that changes nothing commits nothing.
func (r *Reconciler) edit(ctx context.Context, s *scope) error {
	if !s.editPending() || !s.adopted() || s.resourcesSyncWriting() {
		return nil
	}
	if len(s.prr.Spec.Resources) == 0 {
		// Nothing asked for: the generation is only acknowledged.
		return r.acknowledgeResources(ctx, s)
	}
	if s.pr.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecycleDraft {
		// Admission lets users change the resources of a Draft only, and
		// holds a proposal back until its edit is committed: a new
		// generation of another's resources is the system's own change
		// (the sync numbering a published revision), no edit.
		return r.acknowledgeResources(ctx, s)
	}
	head := s.state.Head()
	if head.IsZero() {
		return r.refuseEdit(ctx, s, fmt.Errorf("spec.resources: %s has no draft branch in the repository to commit the edit to", s.pr.Name))
	}
	result := r.render(ctx, s, cad.Package(s.prr.Spec.Resources))
	rendered(s, result.err)
	if !result.commit(s) {
		return r.saveResources(ctx, s, result, "")
	}
	commit, _, err := s.writer.UpdateDraft(ctx, git.DraftUpdate{
		Package: s.pr.Spec.PackageName, Workspace: s.pr.Spec.WorkspaceName, Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
		Head: head, Files: result.files, Subject: git.PatchSubject,
	})
	if errors.Is(err, repository.ErrInvalidPackage) {
		return r.refuseEdit(ctx, s, err)
	}
	if err != nil {
		return r.writeFailed(ctx, s, err)
	}
	if err := r.saveResources(ctx, s, result, commit.String()); err != nil {
		return err
	}
	followKptfileConditions(s, result.files)
	r.requestSync(s)
	return r.readState(s)
}

// followKptfileConditions makes the conditions of a committed edit's
// Kptfile the revision's package conditions. An edit of the Kptfile and a
// write of status.packageConditions (which recordInKptfile commits) both
// set them, and the last one wins, as upstream, where they are one field.
func followKptfileConditions(s *scope, files cad.Package) {
	kf, err := kptfile.Read(files[cad.KptfileName])
	if err != nil {
		return
	}
	if conditions := kptfile.PackageConditions(kf); !slices.Equal(conditions, s.pr.Status.PackageConditions) {
		s.pr.Status.PackageConditions = conditions
	}
}

// refuseEdit records why an edit was not committed, in the resources'
// render status and the Rendered condition; the revision itself stays as
// committed, and Ready with it.
func (r *Reconciler) refuseEdit(ctx context.Context, s *scope, why error) error {
	rendered(s, why)
	return r.saveResources(ctx, s, rendering{status: porchv1alpha1.RenderStatus{Err: why.Error()}, err: why}, "")
}

// acknowledgeResources records that the resources' generation holds no edit.
func (r *Reconciler) acknowledgeResources(ctx context.Context, s *scope) error {
	before := s.prr.DeepCopy()
	s.prr.Status.ObservedGeneration = s.prr.Generation
	return r.Status().Patch(ctx, s.prr, client.MergeFrom(before), FieldOwner)
}
