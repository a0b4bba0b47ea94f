package packagerevision

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// finalize carries a user's deletion of a revision out in git, then lets
// the object go: a draft's or proposal's branch is deleted (also that of a
// revision deleted before it was adopted); a revision
// proposed for deletion loses its tag and branch; the branch's placeholder
// revision takes the package off the branch. A published revision's
// deletion is refused at admission; should one get here, git is left
// alone and the sync brings the revision back. Nothing is deleted in git
// when the Repository itself is gone or being deleted.
func (r *Reconciler) finalize(ctx context.Context, s *scope) error {
	if !controllerutil.ContainsFinalizer(s.pr, porchv1alpha1.PackageRevisionFinalizer) {
		return nil
	}
	if err := r.getRepository(ctx, s); err != nil {
		return err
	}
	if s.repo != nil {
		opened, err := r.openForDeletion(ctx, s)
		if err != nil {
			return err
		}
		if opened {
			// Held until the object is gone: see git.Mirror.HoldRef.
			defer s.store.HoldForRemoval()()
			if err := r.deleteInGit(ctx, s); err != nil {
				return r.writeFailed(ctx, s, err)
			}
			r.tell(s, eventDeleted, "Delete", "removed from the repository")
			r.requestSync(s)
		}
	}
	return r.letGo(ctx, s)
}

// letGo deletes the revision's resources and removes its finalizer.
func (r *Reconciler) letGo(ctx context.Context, s *scope) error {
	if s.prr != nil {
		if err := r.Delete(ctx, s.prr, client.Preconditions{UID: &s.prr.UID}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	before := s.pr.DeepCopy()
	controllerutil.RemoveFinalizer(s.pr, porchv1alpha1.PackageRevisionFinalizer)
	return client.IgnoreNotFound(r.patchSpec(ctx, s, before))
}

// openForDeletion opens the repository and reads where the revision
// stands, and says whether it did. A revision deleted before it was
// adopted is looked for in a freshly fetched mirror: its create may have
// committed the draft and then failed to adopt it (the deletion itself
// makes that write conflict), or its push may have landed with its answer
// lost, so that the remote alone has it; a branch left behind would bring
// the revision back at the next sync. As create does, it takes a draft or
// proposed branch of the workspace for this revision's. When the
// repository cannot be read, such a revision is let go: a deletion must
// not wait on a repository that may never work.
func (r *Reconciler) openForDeletion(ctx context.Context, s *scope) (bool, error) {
	if s.pr.Adopted() {
		return true, r.openRepository(ctx, s)
	}
	err := r.openRepository(ctx, s)
	if err == nil {
		_, err = r.confirmAbsent(ctx, s)
	}
	if err != nil {
		log.FromContext(ctx).Info("Letting a revision never adopted go without reading its repository", "error", err.Error())
		return false, nil
	}
	return true, nil
}

func (r *Reconciler) deleteInGit(ctx context.Context, s *scope) error {
	pkg, ws, st := s.pr.Spec.PackageName, s.pr.Spec.WorkspaceName, s.state
	switch {
	case s.pr.Spec.Revision < 0:
		return s.store.DeletePackage(ctx, pkg)
	case st.Proposed != "":
		return s.store.DeleteUnpublished(ctx, pkg, ws, porchv1alpha1.PackageRevisionLifecycleProposed, st.Proposed)
	case st.Draft != "":
		return s.store.DeleteUnpublished(ctx, pkg, ws, porchv1alpha1.PackageRevisionLifecycleDraft, st.Draft)
	case st.Revision > 0 && s.pr.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		return s.store.DeletePublished(ctx, pkg, st.Revision)
	}
	return nil
}
