package packagevariant

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// done is what Ready says of a variant whose steps went well: its
// targets are kept current, unless one is still being made or edited.
func (s *scope) done() outcome.Done {
	if s.pending != "" {
		return outcome.Done{Status: metav1.ConditionFalse, Reason: configv1alpha1.ReasonPending, Message: s.pending}
	}
	names := make([]string, len(s.targets))
	for i, t := range s.targets {
		names[i] = t.Name
	}
	return outcome.Done{Status: metav1.ConditionTrue, Reason: configv1alpha1.ReasonReady,
		Message: fmt.Sprintf("downstream %s kept current with %s", strings.Join(names, ", "), s.upstream.Name)}
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
