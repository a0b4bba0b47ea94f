package packagerevision

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Event reasons of the steps that change a revision in its repository;
// a render's events take the Rendered condition's reason.
const (
	eventCreated          = "Created"
	eventDeleted          = "Deleted"
	eventEdited           = "Edited"
	eventProposed         = "Proposed"
	eventRejected         = "Rejected"
	eventPublished        = "Published"
	eventDeletionProposed = "DeletionProposed"
	eventDeletionRejected = "DeletionRejected"
)

// tell records what a step did to the revision, so that kubectl describe
// tells its story; only steps that changed the repository tell.
func (r *Reconciler) tell(s *scope, reason, action, format string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(s.pr, nil, corev1.EventTypeNormal, reason, action, format, args...)
	}
}

// warn records a step that failed in a way the user must act on.
func (r *Reconciler) warn(s *scope, reason, action, format string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(s.pr, nil, corev1.EventTypeWarning, reason, action, format, args...)
	}
}

// tellRendered records a change of the Rendered condition, the outcome of
// a render of content that was committed or refused, under its reason: a
// Warning when it failed. A render that ends as the last one did tells
// nothing again.
func (r *Reconciler) tellRendered(s *scope) {
	now := meta.FindStatusCondition(s.pr.Status.Conditions, porchv1alpha1.ConditionRendered)
	if now == nil || !s.rendered {
		return
	}
	if was := s.renderedBefore; was != nil && was.Status == now.Status && was.Reason == now.Reason && was.Message == now.Message {
		return
	}
	if now.Status != metav1.ConditionTrue {
		r.warn(s, now.Reason, "Render", "%s", now.Message)
		return
	}
	r.tell(s, now.Reason, "Render", "%s", now.Message)
}

// tellLifecycle records a lifecycle change carried out in the repository.
func (r *Reconciler) tellLifecycle(s *scope, from porchv1alpha1.PackageRevisionLifecycle) {
	switch to := s.pr.Spec.Lifecycle; {
	case to == porchv1alpha1.PackageRevisionLifecycleProposed:
		r.tell(s, eventProposed, "Propose", "proposed for approval")
	case to == porchv1alpha1.PackageRevisionLifecycleDraft:
		r.tell(s, eventRejected, "Reject", "proposal rejected: a Draft again")
	case to == porchv1alpha1.PackageRevisionLifecyclePublished && from == porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		r.tell(s, eventDeletionRejected, "Reject", "proposal to delete rejected: published as revision %d", s.state.Revision)
	case to == porchv1alpha1.PackageRevisionLifecyclePublished:
		r.tell(s, eventPublished, "Approve", "%s; published as revision %d", approvedBy(s.pr), s.state.Revision)
	case to == porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		r.tell(s, eventDeletionProposed, "ProposeDeletion", "revision %d proposed for deletion", s.state.Revision)
	}
}

func approvedBy(pr *porchv1alpha1.PackageRevision) string {
	if who := pr.Annotations[porchv1alpha1.ApprovedByAnnotation]; who != "" {
		return fmt.Sprintf("approved by %s", who)
	}
	return "approved"
}
