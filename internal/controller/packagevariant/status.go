package packagevariant

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// recordOutcome sets the Stalled and Ready conditions, and the downstream
// targets, from how the steps ended.
func recordOutcome(s *scope, err error) {
	if !s.pv.DeletionTimestamp.IsZero() {
		return
	}
	var stalling *outcome.Stalling
	var waiting *outcome.Waiting
	switch {
	case errors.As(err, &stalling):
		setCondition(s, configv1alpha1.ConditionStalled, metav1.ConditionTrue, stalling.Reason, stalling.Message)
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, stalling.Reason, stalling.Message)
		return
	case errors.As(err, &waiting) && waiting.Reason == configv1alpha1.ReasonUpstreamNotFound:
		// Stalled as far as the spec goes, though tried again: the
		// upstream may yet be published.
		setCondition(s, configv1alpha1.ConditionStalled, metav1.ConditionTrue, waiting.Reason, waiting.Message)
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, waiting.Reason, waiting.Message)
		return
	}
	setCondition(s, configv1alpha1.ConditionStalled, metav1.ConditionFalse, configv1alpha1.ReasonReady, "the spec can be acted on")
	switch {
	case errors.As(err, &waiting):
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, waiting.Reason, waiting.Message)
	case err != nil:
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, configv1alpha1.ReasonError, err.Error())
	case s.pending != "":
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionFalse, configv1alpha1.ReasonPending, s.pending)
	default:
		setCondition(s, configv1alpha1.ConditionReady, metav1.ConditionTrue, configv1alpha1.ReasonReady, readyMessage(s))
	}
	if err == nil {
		recordTargets(s)
	}
}

func readyMessage(s *scope) string {
	names := make([]string, len(s.targets))
	for i, t := range s.targets {
		names[i] = t.Name
	}
	return fmt.Sprintf("downstream %s kept current with %s", strings.Join(names, ", "), s.upstream.Name)
}

// recordTargets lists the targets in the status, with the render status of
// those whose resources were read.
func recordTargets(s *scope) {
	targets := make([]configv1alpha1.DownstreamTarget, 0, len(s.targets))
	for _, t := range s.targets {
		targets = append(targets, configv1alpha1.DownstreamTarget{Name: t.Name, RenderStatus: s.renderStatus[t.Name]})
	}
	s.pv.Status.DownstreamTargets = targets
}

func setCondition(s *scope, typ string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(&s.pv.Status.Conditions, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: message, ObservedGeneration: s.pv.Generation,
	})
}
