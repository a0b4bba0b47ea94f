package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"slices"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// edit renders and commits a user's edit of a draft's resources. A render
// that fails commits nothing (unless the revision asks to push anyway):
// the committed content stays, and so does the Rendered condition, which
// describes it; the refusal is in the resources' render status, where a
// push reports it. An edit that changes nothing commits nothing.
func (r *Reconciler) edit(ctx context.Context, s *scope) error {
	if !s.editPending() || !s.pr.Adopted() {
		return nil
	}
	if len(s.prr.Spec.Resources) == 0 {
		// Nothing asked for: the generation is only acknowledged.
		return acknowledgeResources(s)
	}
	lifecycle, head, action := editTarget(s.state, s.pr.Spec.Lifecycle)
	switch action {
	case editWaits:
		return nil
	case editAcknowledged:
		return acknowledgeResources(s)
	case editRefused:
		if again, err := r.confirmAbsent(ctx, s); err != nil {
			return err
		} else if again {
			return r.edit(ctx, s)
		}
		return r.refuseEdit(ctx, s, fmt.Errorf("spec.resources: %s has no draft branch in the repository to commit the edit to", s.pr.Name))
	}
	result := r.render(ctx, s, cad.Package(s.prr.Spec.Resources))
	if !result.commit(s) {
		r.warn(s, refusalReason(result), "Edit", "edit of the resources (generation %d) not committed: %v", s.prr.Generation, result.err)
		return r.saveResources(ctx, s, result, "")
	}
	commit, err := s.store.UpdateDraft(ctx, draftUpdate{
		Package: s.pr.Spec.PackageName, Workspace: s.pr.Spec.WorkspaceName, Lifecycle: lifecycle,
		Head: head, Files: result.files,
	})
	if errors.Is(err, backend.ErrInvalidPackage) {
		return r.refuseEdit(ctx, s, err)
	}
	if err != nil {
		return r.writeFailed(ctx, s, err)
	}
	r.tell(s, eventEdited, "Edit", "edit committed as %s", shortHead(commit))
	// The gates before the resources are saved: should the patch fail,
	// the edit is still pending and is carried out again.
	if err := r.followKptfileGates(ctx, s, result.files); err != nil {
		return err
	}
	if err := r.saveResources(ctx, s, result, commit); err != nil {
		return err
	}
	rendered(s, result.err)
	followKptfileConditions(s, result.files)
	r.requestSync(s)
	return r.readState(ctx, s)
}

// editAction is what becomes of a pending edit.
type editAction int

const (
	editCommitted    editAction = iota // to the branch editTarget names
	editWaits                          // for a rejection to be carried out first
	editAcknowledged                   // the system's own change of the resources, no edit
	editRefused                        // nowhere to commit it
)

// editTarget decides where a pending edit goes: where the revision stands
// in git decides, not its spec. Admission lets users change the resources
// of a Draft only, but it reads a cache, so a proposal, an approval or a
// rejection may be admitted a moment after an edit it did not see yet;
// an edit it acknowledged is not dropped.
func editTarget(st backend.RevisionState, spec porchv1alpha1.PackageRevisionLifecycle) (porchv1alpha1.PackageRevisionLifecycle, string, editAction) {
	switch {
	case st.Draft != "":
		// A draft in git: the edit is committed before a proposal or an
		// approval asked for since is carried out.
		return porchv1alpha1.PackageRevisionLifecycleDraft, st.Draft, editCommitted
	case st.Proposed != "" && spec == porchv1alpha1.PackageRevisionLifecycleDraft:
		// Rejected, and edited before the rejection was carried out: the
		// edit waits for changeLifecycle to move the proposed branch back
		// to drafts, after which the status write brings the revision
		// back to edit. Committing to drafts now would conflict for ever.
		return "", "", editWaits
	case st.Proposed != "":
		// Proposed before an edit admitted as of a Draft landed: the edit
		// goes to the proposal.
		return porchv1alpha1.PackageRevisionLifecycleProposed, st.Proposed, editCommitted
	case spec != porchv1alpha1.PackageRevisionLifecycleDraft:
		// Published: a new generation of its resources is the system's
		// own change (the sync numbering it).
		return "", "", editAcknowledged
	default:
		return "", "", editRefused
	}
}

// followKptfileGates makes the readiness gates of a committed edit's
// Kptfile the revision's spec.readinessGates, which admission holds an
// approval to: an edit that adds a gate (a PackageVariant's injection
// point) gates the revision, as upstream, where the Kptfile is the only
// place gates are kept. The spec's gates are committed to the Kptfile in
// turn (recordInKptfile), so the two agree whichever was written last.
func (r *Reconciler) followKptfileGates(ctx context.Context, s *scope, files cad.Package) error {
	kf, err := kptfile.Read(files[cad.KptfileName])
	if err != nil {
		return nil // the render reports a Kptfile that does not parse
	}
	gates := kptfile.ReadinessGates(kf)
	if slices.Equal(gates, s.pr.Spec.ReadinessGates) || (len(gates) == 0 && len(s.pr.Spec.ReadinessGates) == 0) {
		return nil
	}
	before := s.pr.DeepCopy()
	s.pr.Spec.ReadinessGates = gates
	// The patch sets the gates alone, so it needs no lock: a user's
	// change of anything else since the cache was read stays.
	return r.patchSpec(ctx, s, before)
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

// refusalReason is the reason of a refused edit's event: the one its
// render would give the Rendered condition.
func refusalReason(result rendering) string {
	if result.tooLarge {
		return porchv1alpha1.ReasonContentTooLarge
	}
	return porchv1alpha1.ReasonRenderFailed
}

// refuseEdit records why an edit was not committed, in the resources'
// render status; the revision itself stays as committed, and its Ready
// and Rendered conditions with it.
func (r *Reconciler) refuseEdit(ctx context.Context, s *scope, why error) error {
	return r.saveResources(ctx, s, rendering{status: porchv1alpha1.RenderStatus{Err: why.Error()}, err: why}, "")
}

// acknowledgeResources records that the resources' generation holds no
// edit.
func acknowledgeResources(s *scope) error {
	s.prr.Status.ObservedGeneration = s.prr.Generation
	return nil
}
