package packagevariantset

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// recordOutcome sets the Stalled and Ready conditions from how the steps
// ended.
func recordOutcome(s *scope, err error) {
	if !s.pvs.DeletionTimestamp.IsZero() {
		return
	}
	outcome.Summarize(&s.pvs.Status.Conditions, s.pvs.Generation, err, func() outcome.Done {
		return outcome.Done{Status: metav1.ConditionTrue, Reason: configv1alpha1.ReasonReady,
			Message: fmt.Sprintf("%d PackageVariants of %s", len(s.variants), s.upstream.Name)}
	}, configv1alpha1.ReasonError, configv1alpha1.ReasonReady)
}
