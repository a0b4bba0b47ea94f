package packagevariantset

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/index"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variant"
	"github.com/porch-dev/porch/internal/variantset"
)

// compile compiles the template of every target entry once, and stalls a
// set whose upstream is not named or whose expressions do not compile to
// strings, naming each.
func compile(s *scope) error {
	var errs field.ErrorList
	if up := s.pvs.Spec.Upstream; up == nil || up.Repo == "" || up.Package == "" {
		errs = append(errs, field.Required(field.NewPath("spec", "upstream"), "repo and package name the upstream package"))
	}
	s.templates = make([]*variantset.Template, len(s.pvs.Spec.Targets))
	for i, t := range s.pvs.Spec.Targets {
		tmpl, terrs := variantset.Compile(t.Template, field.NewPath("spec", "targets").Index(i).Child("template"))
		s.templates[i], errs = tmpl, append(errs, terrs...)
	}
	if len(errs) > 0 {
		return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: errs.ToAggregate().Error()}
	}
	return nil
}

// resolveUpstream finds the published revision spec.upstream names.
func (r *Reconciler) resolveUpstream(ctx context.Context, s *scope) error {
	up := s.pvs.Spec.Upstream
	revisions, err := index.RevisionsOf(ctx, r.Client, s.pvs.Namespace, up.Repo, up.Package)
	if err != nil {
		return err
	}
	if s.upstream = variant.Upstream(revisions, up); s.upstream == nil {
		return &outcome.Waiting{Reason: configv1alpha1.ReasonUpstreamNotFound, Stalled: true, RequeueAfter: outcome.Jitter(r.Options.RetryInterval),
			Message: variant.UpstreamNotFound(up)}
	}
	return nil
}
