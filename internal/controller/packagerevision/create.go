package packagerevision

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/failpoint"
)

// create puts a new revision in the repository: it runs the task, writes
// the revision's metadata into the Kptfile, renders, and commits the
// draft branch; then the revision is adopted, and its resources show what
// was committed. Until the draft is committed nothing is written to git,
// so a task that fails leaves nothing behind.
//
// When the user edited the resources before the draft could be committed
// (its first render failed), the edit is the content instead of the task's.
func (r *Reconciler) create(ctx context.Context, s *scope) error {
	if s.pr.Adopted() {
		if s.unfinished() {
			return r.finishCreate(s)
		}
		return nil
	}
	if s.state.Head() != "" {
		// Committed by an earlier reconcile that could not adopt it, or by
		// someone else: either way this object is that revision, whose
		// resources the sync mirrors once it is adopted.
		s.pr.Status.ObservedGeneration = s.pr.Generation
		setCondition(s, porchv1alpha1.ConditionReady, metav1.ConditionUnknown, porchv1alpha1.ReasonPending,
			"draft found in the repository; recording its resources")
		if err := r.adoptObserved(ctx, s); err != nil {
			return err
		}
		return r.finishCreate(s)
	}
	if s.pr.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecycleDraft && s.pr.Spec.Lifecycle != "" {
		return taskFailed("spec.lifecycle: a new revision starts as Draft, not %s", s.pr.Spec.Lifecycle)
	}
	out, err := r.runTask(ctx, s)
	if err != nil {
		return err
	}
	files := out.files
	if s.prr != nil && len(s.prr.Spec.Resources) > 0 {
		files = cad.Package(s.prr.Spec.Resources)
	} else if files, err = withMetadata(files, s.pr.Spec); err != nil {
		return taskFailed("%v", err)
	}
	result := r.render(ctx, s, files)
	rendered(s, result.err)
	if !result.commit(s) {
		// Nothing goes to git; the resources show the package and why its
		// render failed, so that the user can fix it with an edit.
		if err := r.saveResources(ctx, s, result, ""); err != nil {
			return err
		}
		if result.tooLarge {
			return &outcome.Stalling{Reason: porchv1alpha1.ReasonContentTooLarge, Message: result.err.Error()}
		}
		return &outcome.Stalling{Reason: porchv1alpha1.ReasonRenderFailed,
			Message: fmt.Sprintf("the package failed to render, so nothing was committed; fix it by editing its resources: %v", result.err)}
	}
	base := out.base
	if base == "" {
		base = s.state.Branch
	}
	head, err := s.store.CreateDraft(ctx, newDraft{
		Package: s.pr.Spec.PackageName, Workspace: s.pr.Spec.WorkspaceName,
		Files: result.files, Task: creatingTask(s.pr), Base: base,
	})
	if err != nil {
		return r.writeFailed(ctx, s, err)
	}
	r.tell(s, eventCreated, "Create", "draft committed as %s", shortHead(head))
	r.requestSync(s)
	// The revision is adopted before its resources are made, so that a
	// sync never sees resources of the repository's whose revision is not;
	// it is Ready only with them, at the end of the reconcile: a client
	// that sees it Ready finds its content rendered and committed.
	s.pr.Status.ObservedGeneration = s.pr.Generation
	setCondition(s, porchv1alpha1.ConditionReady, metav1.ConditionUnknown, porchv1alpha1.ReasonPending,
		fmt.Sprintf("draft committed as %s; recording its resources", shortHead(head)))
	// A clone or copy starts with its package's conditions, as its gates.
	followKptfileConditions(s, result.files)
	if err := r.adoptObserved(ctx, s, gatesOf(result.files)...); err != nil {
		return err
	}
	if err := r.saveResources(ctx, s, result, head); err != nil {
		return err
	}
	ready(s, fmt.Sprintf("draft committed as %s", shortHead(head)))
	return nil
}

// finishCreate ends a create that committed and adopted its draft, then
// stopped before it recorded the draft's resources (its process died, a
// write failed): the sync mirrors them from git, and the revision is Ready
// once they show the draft's head, or an edit of them is pending, which
// records them itself.
func (r *Reconciler) finishCreate(s *scope) error {
	head := s.state.Head()
	if s.editPending() || s.prr != nil && head != "" && s.prr.Status.Commit == head {
		ready(s, fmt.Sprintf("draft committed as %s", shortHead(head)))
		return nil
	}
	r.requestFullSync(s)
	return &outcome.Waiting{Reason: porchv1alpha1.ReasonPending, RequeueAfter: time.Second,
		Message: fmt.Sprintf("draft committed as %s; the repository sync is recording its resources", shortHead(head))}
}

// adoptObserved adopts the revision once its status observes it. The
// status goes first, as the handoff asks: an adopted revision that
// observes nothing is one the sync is still writing, and finishes
// (PackageRevision.MirrorUnfinished). It is the one status write a
// reconcile makes before its end.
func (r *Reconciler) adoptObserved(ctx context.Context, s *scope, gates ...porchv1alpha1.ReadinessGate) error {
	if err := r.patchStatus(ctx, s); err != nil {
		return err
	}
	if err := failpoint.Inject(ctx, failpoint.BeforeAdopt); err != nil {
		return err
	}
	return r.adopt(ctx, s, gates...)
}

// creatingTask is the task recorded in the draft's first commit.
func creatingTask(pr *porchv1alpha1.PackageRevision) porchv1alpha1.Task {
	if len(pr.Spec.Tasks) > 0 {
		return pr.Spec.Tasks[0]
	}
	return porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}
}
