package packagevariant

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestNotDoneSaysWhy(t *testing.T) {
	revision := func(generation int64, conditions ...metav1.Condition) *porchv1alpha1.PackageRevision {
		return &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: "d.app.packagevariant-1", Generation: generation},
			Status: porchv1alpha1.PackageRevisionStatus{Conditions: conditions}}
	}
	failed := metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: "RenderFailed", Message: "set-labels failed", ObservedGeneration: 2}
	for _, tc := range []struct {
		what string
		pr   *porchv1alpha1.PackageRevision
		want string
	}{
		{"no condition yet", revision(1), "d.app.packagevariant-1 is being made"},
		{"a failure of an older generation", revision(3, failed), "d.app.packagevariant-1 is being made"},
		{"a failure of this generation", revision(2, failed), "d.app.packagevariant-1 is not Ready (RenderFailed): set-labels failed"},
	} {
		if got := notDone(tc.pr); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.what, got, tc.want)
		}
	}
}
