package outcome

import (
	"errors"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The condition types every kind's status shares: config.porch.kpt.dev
// and porch.kpt.dev name them alike.
const (
	ConditionReady   = "Ready"
	ConditionStalled = "Stalled"
)

// Done is what Ready says of steps that ended without error: True with
// the kind's ready reason, or False when something is left for later
// that is no failure (a variant's Draft waiting for its render).
type Done struct {
	Status  metav1.ConditionStatus
	Reason  string
	Message string
}

// Ready is the Ready condition of an object at generation whose steps
// ended with err: done when err is nil; else False with the reason of a
// Stalling or Waiting outcome, or failed, the kind's reason for a failure
// that may pass, with the error's message.
func Ready(generation int64, err error, done Done, failed string) metav1.Condition {
	c := metav1.Condition{Type: ConditionReady, Status: metav1.ConditionFalse, ObservedGeneration: generation}
	var stalling *Stalling
	var waiting *Waiting
	switch {
	case err == nil:
		c.Status, c.Reason, c.Message = done.Status, done.Reason, done.Message
	case errors.As(err, &stalling):
		c.Reason, c.Message = stalling.Reason, stalling.Message
	case errors.As(err, &waiting):
		c.Reason, c.Message = waiting.Reason, waiting.Message
	default:
		c.Reason, c.Message = failed, err.Error()
	}
	return c
}

// Stalled is the Stalled condition of an object at generation whose steps
// ended with err: True for a Stalling outcome and a Waiting one that says
// Stalled, with its reason; else False with reason actionable.
func Stalled(generation int64, err error, actionable string) metav1.Condition {
	c := metav1.Condition{Type: ConditionStalled, Status: metav1.ConditionFalse, Reason: actionable,
		Message: "the spec can be acted on", ObservedGeneration: generation}
	var stalling *Stalling
	var waiting *Waiting
	switch {
	case errors.As(err, &stalling):
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, stalling.Reason, stalling.Message
	case errors.As(err, &waiting) && waiting.Stalled:
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, waiting.Reason, waiting.Message
	}
	return c
}

// IsStalled says whether err means nothing can progress until the spec
// changes: a Stalling outcome, or a Waiting one that says Stalled.
func IsStalled(err error) bool {
	return Stalled(0, err, "").Status == metav1.ConditionTrue
}

// SetCondition sets one condition of conditions for generation.
func SetCondition(conditions *[]metav1.Condition, generation int64, typ string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(conditions, metav1.Condition{Type: typ, Status: status, Reason: reason, Message: message, ObservedGeneration: generation})
}

// Summarize sets Stalled and then Ready in conditions, for an object at
// generation whose steps ended with err. done says what Ready says of
// success, and is called only then; failed and actionable are the kind's
// reasons for a failure that may pass and for a spec that can be acted on.
func Summarize(conditions *[]metav1.Condition, generation int64, err error, done func() Done, failed, actionable string) {
	meta.SetStatusCondition(conditions, Stalled(generation, err, actionable))
	var d Done
	if err == nil {
		d = done()
	}
	meta.SetStatusCondition(conditions, Ready(generation, err, d, failed))
}
