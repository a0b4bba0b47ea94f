package outcome

import (
	"errors"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
)

// Every outcome a step can end with, and the conditions users read of it:
// the same in every controller.
func TestConditionsOfEachOutcome(t *testing.T) {
	cause := errors.New("connection refused")
	done := Done{Status: metav1.ConditionTrue, Reason: "Ready", Message: "all good"}
	for _, tc := range []struct {
		name                    string
		err                     error
		ready, readyReason, msg string
		stalled, stalledReason  string
		requeue, returnsError   bool
	}{
		{"success", nil, "True", "Ready", "all good", "False", "Actionable", false, false},
		{"stalling", &Stalling{Reason: "TaskFailed", Message: "spec.tasks: bad"}, "False", "TaskFailed", "spec.tasks: bad", "True", "TaskFailed", false, false},
		{"waiting", &Waiting{Reason: "RepositoryNotReady", Message: "down", RequeueAfter: 1}, "False", "RepositoryNotReady", "down", "False", "Actionable", true, false},
		{"waiting, stalled as far as the spec goes", &Waiting{Reason: "UpstreamNotFound", Message: "none", RequeueAfter: 1, Stalled: true},
			"False", "UpstreamNotFound", "none", "True", "UpstreamNotFound", true, false},
		{"waiting, wrapped", fmt.Errorf("step: %w", &Waiting{Reason: "SecretNotFound", Message: "no Secret", RequeueAfter: 1}),
			"False", "SecretNotFound", "no Secret", "False", "Actionable", true, false},
		{"any other error", cause, "False", "Failed", "connection refused", "False", "Actionable", false, true},
		{"a lost race", apierrors.NewConflict(schema.GroupResource{Resource: "x"}, "a", cause), "False", "Failed",
			apierrors.NewConflict(schema.GroupResource{Resource: "x"}, "a", cause).Error(), "False", "Actionable", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ready := Ready(3, tc.err, done, "Failed")
			if string(ready.Status) != tc.ready || ready.Reason != tc.readyReason || ready.Message != tc.msg || ready.ObservedGeneration != 3 {
				t.Errorf("Ready = %+v, want %s %s %q at 3", ready, tc.ready, tc.readyReason, tc.msg)
			}
			stalled := Stalled(3, tc.err, "Actionable")
			if string(stalled.Status) != tc.stalled || stalled.Reason != tc.stalledReason {
				t.Errorf("Stalled = %+v, want %s %s", stalled, tc.stalled, tc.stalledReason)
			}
			if IsStalled(tc.err) != (tc.stalled == "True") {
				t.Errorf("IsStalled = %v", IsStalled(tc.err))
			}
			result, err := Result(ctrl.Result{}, tc.err)
			if (result.RequeueAfter > 0) != tc.requeue || (err != nil) != tc.returnsError {
				t.Errorf("Result = %+v, %v; want requeue %v, error %v", result, err, tc.requeue, tc.returnsError)
			}
		})
	}
}

// The cause behind a typed outcome stays reachable.
func TestOutcomesKeepTheirCause(t *testing.T) {
	cause := errors.New("refused")
	for _, err := range []error{&Stalling{Message: "x", Err: cause}, &Waiting{Message: "x", Err: cause}} {
		if !errors.Is(err, cause) {
			t.Errorf("%T does not unwrap to its cause", err)
		}
	}
}
