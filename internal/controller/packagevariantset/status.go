package packagevariantset

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// recordOutcome sets the Stalled and Ready conditions from how the steps
// ended. A missing upstream and targets that select nothing stall the set
// as far as its spec goes, though it is tried again.
func recordOutcome(s *scope, err error) {
	if !s.pvs.DeletionTimestamp.IsZero() {
		return
	}
	var stalling *outcome.Stalling
	var waiting *outcome.Waiting
	switch {
	case errors.As(err, &stalling):
		stalled(s, stalling.Reason, stalling.Message)
	case errors.As(err, &waiting) && (waiting.Reason == configv1alpha1.ReasonUpstreamNotFound || waiting.Reason == configv1alpha1.ReasonNoMatchingTargets):
		stalled(s, waiting.Reason, waiting.Message)
	case err != nil:
		setCondition(s, configv1alpha1.ConditionStalled, metav1.ConditionFalse, configv1alpha1.ReasonReady, "the spec can be acted on")
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, configv1alpha1.ReasonError, err.Error())
	default:
		setCondition(s, configv1alpha1.ConditionStalled, metav1.ConditionFalse, configv1alpha1.ReasonReady, "the spec can be acted on")
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionTrue, configv1alpha1.ReasonReady,
			fmt.Sprintf("%d PackageVariants of %s", len(s.variants), s.upstream.Name))
	}
}

func stalled(s *scope, reason, message string) {
	setCondition(s, configv1alpha1.ConditionStalled, metav1.ConditionTrue, reason, message)
	setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, reason, message)
}

func setCondition(s *scope, typ string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&s.pvs.Status.Conditions, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: message, ObservedGeneration: s.pvs.Generation,
	})
}
