package webhook

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// rendered is a revision at generation 3 whose status says so, with Ready
// as given (nil: no Ready condition).
func rendered(ready *metav1.Condition) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) {
		pr.Generation, pr.Status.ObservedGeneration = 3, 3
		if ready != nil {
			pr.Status.Conditions = []metav1.Condition{*ready}
		}
	}
}

func resourcesAt(generation, observed int64) *porchv1alpha1.PackageRevisionResources {
	prr := &porchv1alpha1.PackageRevisionResources{ObjectMeta: metav1.ObjectMeta{Name: "blueprints.app.v1", Generation: generation}}
	prr.Status.ObservedGeneration = observed
	return prr
}

func TestRenderState(t *testing.T) {
	ready := &metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonReady}
	pending := &metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: porchv1alpha1.ReasonPending, Message: "working"}
	failed := &metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: porchv1alpha1.ReasonRenderFailed, Message: "fn failed"}
	tests := []struct {
		name            string
		pr              *porchv1alpha1.PackageRevision
		prr             *porchv1alpha1.PackageRevisionResources
		pending, failed string
	}{
		{"rendered and committed", rev(rendered(ready)), resourcesAt(2, 2), "", ""},
		{"revision not processed", rev(rendered(ready), func(pr *porchv1alpha1.PackageRevision) { pr.Generation = 4 }), resourcesAt(2, 2),
			`PackageRevision "blueprints.app.v1" generation 4 is not processed yet (status.observedGeneration 3)`, ""},
		{"no Ready condition", rev(rendered(nil)), resourcesAt(2, 2), "has no Ready condition yet", ""},
		{"Ready pending", rev(rendered(pending)), resourcesAt(2, 2), "is not Ready yet (Pending: working)", ""},
		{"Ready failed", rev(rendered(failed)), resourcesAt(2, 2), "", `PackageRevision "blueprints.app.v1" is not Ready (RenderFailed: fn failed)`},
		{"no resources", rev(rendered(ready)), nil, `PackageRevisionResources "blueprints.app.v1" does not exist yet`, ""},
		{"resources not rendered", rev(rendered(ready)), resourcesAt(5, 4),
			`PackageRevisionResources "blueprints.app.v1" generation 5 is not rendered and committed yet (status.observedGeneration 4)`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pending, failed := renderState(tt.pr, tt.prr)
			if (tt.pending == "") != (pending == "") || !strings.Contains(pending, tt.pending) {
				t.Errorf("pending = %q, want ...%s...", pending, tt.pending)
			}
			if (tt.failed == "") != (failed == "") || !strings.Contains(failed, tt.failed) {
				t.Errorf("failed = %q, want ...%s...", failed, tt.failed)
			}
		})
	}
}
