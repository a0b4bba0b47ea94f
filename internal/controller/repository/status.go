package repository

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// maxSkippedInMessage bounds how many skipped refs the Ready message lists.
const maxSkippedInMessage = 3

// readyCondition is the Ready condition for the outcome of a reconcile;
// summary says what a successful one found.
func readyCondition(generation int64, summary string, err error) metav1.Condition {
	done := outcome.Done{Status: metav1.ConditionTrue, Reason: configv1alpha1.ReasonReady, Message: "Repository is ready" + summary}
	return outcome.Ready(generation, err, done, configv1alpha1.ReasonError)
}

// readySummary says, after "Repository is ready", what the reconcile found.
func readySummary(s *scope) string {
	var b strings.Builder
	if s.created {
		b.WriteString("; created the branch with an initial commit")
	}
	if s.branchHash != "" {
		fmt.Fprintf(&b, " (branch at %.12s)", s.branchHash)
	}
	if s.outcome == syncDone {
		fmt.Fprintf(&b, "; mirrored %d package revisions", s.revisionCount)
		b.WriteString(skippedSummary(s.skipped))
	}
	return b.String()
}

// skippedSummary names the first few refs that could not be mirrored.
func skippedSummary(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	shown := skipped[:min(len(skipped), maxSkippedInMessage)]
	text := fmt.Sprintf("; skipped %d: %s", len(skipped), strings.Join(shown, "; "))
	if more := len(skipped) - len(shown); more > 0 {
		text += fmt.Sprintf("; and %d more", more)
	}
	return text
}

func metav1Time(t time.Time) metav1.Time {
	return metav1.NewTime(t.UTC().Truncate(time.Second))
}
