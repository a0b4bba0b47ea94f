package packagerevision

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// changeLifecycle moves the revision in git to the lifecycle its spec asks
// for, from where git has it: the write that Draft<->Proposed,
// Proposed->Published or Published<->DeletionProposed takes. Nothing is
// written when git has it there already, so a change acted on before a
// failure is not acted on twice.
func (r *Reconciler) changeLifecycle(ctx context.Context, s *scope) error {
	if !s.pr.SpecPending() || !s.pr.Adopted() {
		return nil
	}
	pkg, ws, st := s.pr.Spec.PackageName, s.pr.Spec.WorkspaceName, s.state
	var err error
	wrote := true
	switch want := s.pr.Spec.Lifecycle; {
	case s.pr.Spec.Revision < 0:
		wrote = false // the registered branch itself: nothing moves
	case want == porchv1alpha1.PackageRevisionLifecycleDraft && st.Proposed != "":
		err = s.store.Unpropose(ctx, pkg, ws, st.Proposed)
	case want == porchv1alpha1.PackageRevisionLifecycleProposed && st.Draft != "":
		err = s.store.Propose(ctx, pkg, ws, st.Draft)
	case want == porchv1alpha1.PackageRevisionLifecycleDraft && st.Draft != "",
		want == porchv1alpha1.PackageRevisionLifecycleProposed && st.Proposed != "":
		wrote = false
	case want == porchv1alpha1.PackageRevisionLifecycleDraft, want == porchv1alpha1.PackageRevisionLifecycleProposed:
		return r.cannotChange(ctx, s, fmt.Sprintf("spec.lifecycle: %s has no draft or proposed branch in the repository, so it cannot be %s", s.pr.Name, want))
	case want == porchv1alpha1.PackageRevisionLifecyclePublished && st.Head() != "":
		err = r.publish(ctx, s)
	case want == porchv1alpha1.PackageRevisionLifecycleDeletionProposed && st.Revision == 0 && st.Head() != "":
		// Approved, then proposed for deletion before the approval was
		// carried out: both are, in order.
		err = r.publishThenProposeDeletion(ctx, s)
	case want == porchv1alpha1.PackageRevisionLifecyclePublished && st.Revision > 0 && st.DeletionProposed:
		err = s.store.CancelDeletion(ctx, pkg, st.Revision)
	case want == porchv1alpha1.PackageRevisionLifecycleDeletionProposed && st.Revision > 0 && !st.DeletionProposed:
		err = s.store.ProposeDeletion(ctx, pkg, st.Revision)
	case st.Revision > 0:
		wrote = false // published, and marked for deletion or not, as asked
	default:
		return r.cannotChange(ctx, s, fmt.Sprintf("spec.lifecycle: %s cannot become %s from where it stands in the repository; propose it, then approve it", s.pr.Name, want))
	}
	if err != nil {
		return r.writeFailed(ctx, s, err)
	}
	if wrote {
		from := lifecycleIn(st)
		if err := r.readState(ctx, s); err != nil {
			return err
		}
		r.tellLifecycle(s, from)
		r.requestSync(s)
	}
	if err := r.recordPublication(ctx, s); err != nil {
		return err
	}
	ready(s, fmt.Sprintf("%s in the repository", s.pr.Spec.Lifecycle))
	return nil
}

// lifecycleIn is where a revision stands in git, as a lifecycle.
func lifecycleIn(st backend.RevisionState) porchv1alpha1.PackageRevisionLifecycle {
	switch {
	case st.DeletionProposed:
		return porchv1alpha1.PackageRevisionLifecycleDeletionProposed
	case st.Revision > 0:
		return porchv1alpha1.PackageRevisionLifecyclePublished
	case st.Proposed != "":
		return porchv1alpha1.PackageRevisionLifecycleProposed
	default:
		return porchv1alpha1.PackageRevisionLifecycleDraft
	}
}

// cannotChange stalls a lifecycle change that git, as a freshly fetched
// mirror shows it, gives no way to carry out, saying why in message and
// logging where the revision stands, for the operator who is asked why.
// A mirror that lagged the remote is fetched first (confirmAbsent), and
// the change decided again from what it shows.
func (r *Reconciler) cannotChange(ctx context.Context, s *scope, message string) error {
	if again, err := r.confirmAbsent(ctx, s); err != nil {
		return err
	} else if again {
		return r.changeLifecycle(ctx, s)
	}
	log.FromContext(ctx).Info("Lifecycle change cannot be carried out", "lifecycle", s.pr.Spec.Lifecycle, "state", fmt.Sprintf("%+v", s.state),
		"generation", s.pr.Generation, "observedGeneration", s.pr.Status.ObservedGeneration)
	return &outcome.Stalling{Reason: porchv1alpha1.ReasonTaskFailed, Message: message}
}

// publish publishes the unpublished revision from where it stands. A
// draft is proposed first: admission lets a Draft be approved only by way
// of Proposed, so the approval came before the proposal was carried out,
// and both are.
func (r *Reconciler) publish(ctx context.Context, s *scope) error {
	pkg, ws := s.pr.Spec.PackageName, s.pr.Spec.WorkspaceName
	if s.state.Proposed == "" {
		if err := s.store.Propose(ctx, pkg, ws, s.state.Draft); err != nil {
			return err
		}
		if err := r.readState(ctx, s); err != nil {
			return err
		}
	}
	return s.store.Publish(ctx, pkg, ws, s.state.Proposed)
}

// publishThenProposeDeletion publishes an unpublished revision, then
// proposes its deletion.
func (r *Reconciler) publishThenProposeDeletion(ctx context.Context, s *scope) error {
	if err := r.publish(ctx, s); err != nil {
		return err
	}
	if err := r.readState(ctx, s); err != nil {
		return err
	}
	return s.store.ProposeDeletion(ctx, s.pr.Spec.PackageName, s.state.Revision)
}

// recordPublication gives a published revision its number, which only the
// system writes, and says who approved it and when.
func (r *Reconciler) recordPublication(ctx context.Context, s *scope) error {
	if !s.pr.Spec.Lifecycle.IsPublished() || s.state.Revision < 1 {
		return nil
	}
	if s.pr.Spec.Revision != s.state.Revision {
		before := s.pr.DeepCopy()
		s.pr.Spec.Revision = s.state.Revision
		if err := r.patchSpec(ctx, s, before, client.MergeFromWithOptimisticLock{}); err != nil {
			return err
		}
	}
	if s.pr.Status.PublishedAt == nil {
		now := metav1.NewTime(time.Now())
		s.pr.Status.PublishedAt = &now
		s.pr.Status.PublishedBy = s.pr.Annotations[porchv1alpha1.ApprovedByAnnotation]
	}
	return nil
}
