package packagevariantset

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// done is what Ready says of a set whose steps went well: how many
// PackageVariants it keeps, of which upstream.
func (s *scope) done() outcome.Done {
	return outcome.Done{Status: metav1.ConditionTrue, Reason: configv1alpha1.ReasonReady,
		Message: fmt.Sprintf("%d PackageVariants of %s", len(s.variants), s.upstream.Name)}
}
