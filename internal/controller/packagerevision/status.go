package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/failpoint"
)

// patchStatus writes the resources' status and then the revision's, each
// if it changed since last written: a client that sees the revision's
// conditions then finds the content they speak of.
func (r *Reconciler) patchStatus(ctx context.Context, s *scope) error {
	if err := failpoint.Inject(ctx, failpoint.BeforeStatus); err != nil {
		return err
	}
	if s.prr != nil {
		if err := s.resourcesStatus.Patch(ctx, r.Client, s.prr); err != nil {
			return fmt.Errorf("recording the resources of %s: %w", s.pr.Name, err)
		}
	}
	return s.status.Patch(ctx, r.Client, s.pr)
}

// currentConditions says of every condition that it is said of the
// generation the status observes, once it observes the latest: a
// lifecycle change leaves what Rendered says of the content as it was,
// but a reader compares each condition's generation with the object's.
func currentConditions(s *scope) {
	if s.pr.Status.ObservedGeneration != s.pr.Generation {
		return
	}
	for i := range s.pr.Status.Conditions {
		s.pr.Status.Conditions[i].ObservedGeneration = s.pr.Generation
	}
}

// setCondition sets one condition of the revision for its current generation.
func setCondition(s *scope, kind string, status metav1.ConditionStatus, reason, message string) {
	outcome.SetCondition(&s.pr.Status.Conditions, s.pr.Generation, kind, status, reason, message)
}

// ready marks the revision's spec as acted upon and its content in git.
func ready(s *scope, message string) {
	setCondition(s, porchv1alpha1.ConditionReady, metav1.ConditionTrue, porchv1alpha1.ReasonReady, message)
	s.pr.Status.ObservedGeneration = s.pr.Generation
}

// rendered records the outcome of a render in the Rendered condition.
func rendered(s *scope, renderErr error) {
	if !s.rendered {
		s.rendered = true
		if was := meta.FindStatusCondition(s.pr.Status.Conditions, porchv1alpha1.ConditionRendered); was != nil {
			s.renderedBefore = was.DeepCopy()
		}
	}
	var tooLarge *contentTooLarge
	if errors.As(renderErr, &tooLarge) {
		setCondition(s, porchv1alpha1.ConditionRendered, metav1.ConditionFalse, porchv1alpha1.ReasonContentTooLarge, renderErr.Error())
		return
	}
	if renderErr != nil {
		setCondition(s, porchv1alpha1.ConditionRendered, metav1.ConditionFalse, porchv1alpha1.ReasonRenderFailed, renderErr.Error())
		return
	}
	setCondition(s, porchv1alpha1.ConditionRendered, metav1.ConditionTrue, porchv1alpha1.ReasonRenderSucceeded, "every function of the pipeline passed")
}

// recordError says in Ready why the revision's spec was not acted upon.
// A step that failed for a reason that may pass (a write that failed, a
// process that died) leaves the spec pending, even when the failure came
// after its git write: the next reconcile, which the error brings, carries
// out what is left, and finds in git what was done.
func recordError(s *scope, err error) {
	if err == nil || !s.pr.DeletionTimestamp.IsZero() {
		return
	}
	meta.SetStatusCondition(&s.pr.Status.Conditions, outcome.Ready(s.pr.Generation, err, outcome.Done{}, porchv1alpha1.ReasonPending))
	if !outcome.IsStalled(err) {
		s.pr.Status.ObservedGeneration = s.observedBefore()
	}
}

// shortHead is a head as messages show it: a commit's first 12 digits, or
// an image digest's, after its algorithm.
func shortHead(head string) string {
	if _, digits, ok := strings.Cut(head, ":"); ok {
		head = digits
	}
	return head[:min(len(head), 12)]
}
