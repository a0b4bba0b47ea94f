package packagerevision

import (
	"errors"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

func TestStoppedAtFetchLimit(t *testing.T) {
	const message = "spec.tasks[0].clone.upstreamRef.git: source too large"
	tests := []struct {
		name       string
		generation int64
		ready      *metav1.Condition
		stalls     bool
	}{
		{"no condition yet", 1, nil, false},
		{"stopped at the limit for this generation", 2,
			&metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: porchv1alpha1.ReasonSourceTooLarge, Message: message, ObservedGeneration: 2}, true},
		{"stopped at the limit for an earlier generation", 3,
			&metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: porchv1alpha1.ReasonSourceTooLarge, Message: message, ObservedGeneration: 2}, false},
		{"failed for another reason", 2,
			&metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: porchv1alpha1.ReasonTaskFailed, Message: "unreachable", ObservedGeneration: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Generation: tt.generation}}
			if tt.ready != nil {
				pr.Status.Conditions = []metav1.Condition{*tt.ready}
			}
			err := stoppedAtFetchLimit(&scope{pr: pr})
			var stalling *outcome.Stalling
			if got := errors.As(err, &stalling); got != tt.stalls {
				t.Fatalf("stoppedAtFetchLimit = %v; want stalling %t", err, tt.stalls)
			}
			if tt.stalls && (stalling.Reason != porchv1alpha1.ReasonSourceTooLarge || stalling.Message != message) {
				t.Errorf("stalling %q: %q; want the recorded condition kept as it is", stalling.Reason, stalling.Message)
			}
		})
	}
}
