package packagevariant

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// recordOutcome sets the Stalled and Ready conditions, and the downstream
// targets, from how the steps ended.
func recordOutcome(s *scope, err error) {
	if !s.pv.DeletionTimestamp.IsZero() {
		return
	}
	outcome.Summarize(&s.pv.Status.Conditions, s.pv.Generation, err, func() outcome.Done {
		if s.pending != "" {
			return outcome.Done{Status: metav1.ConditionFalse, Reason: configv1alpha1.ReasonPending, Message: s.pending}
		}
		return outcome.Done{Status: metav1.ConditionTrue, Reason: configv1alpha1.ReasonReady, Message: readyMessage(s)}
	}, configv1alpha1.ReasonError, configv1alpha1.ReasonReady)
	if err == nil {
		recordTargets(s)
	}
}

func readyMessage(s *scope) string {
	names := make([]string, len(s.targets))
	for i, t := range s.targets {
		names[i] = t.Name
	}
	return fmt.Sprintf("downstream %s kept current with %s", strings.Join(names, ", "), s.upstream.Name)
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
