package packagevariant

import (
	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variant"
)

// validate stalls a variant whose spec cannot be acted on, naming each
// field and why, until the spec changes.
func validate(s *scope) error {
	if errs := variant.Validate(s.pv); len(errs) > 0 {
		return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: errs.ToAggregate().Error()}
	}
	return nil
}
