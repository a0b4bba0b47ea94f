package repository

import (
	"fmt"
	"time"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/syncschedule"
)

// syncPlan is when a repository is synced: the next regular sync, and
// whether this reconcile honours a pending spec.sync.runOnceAt.
type syncPlan struct {
	// next is when the next regular sync is due.
	next time.Time
	// runOnceNow is true when spec.sync.runOnceAt has come and has not been
	// acted upon: this reconcile syncs fully, whatever the refs say.
	runOnceNow bool
	// runOnceAt is a runOnceAt still in the future, zero otherwise.
	runOnceAt time.Time
}

// requeueAfter is how long until the earliest of the next sync and a future
// runOnceAt; zero when neither will come (a schedule such as "0 0 30 2 *"
// never fires), rather than a retry every second.
func (p syncPlan) requeueAfter(now time.Time) time.Duration {
	due := p.next
	if !p.runOnceAt.IsZero() && (due.IsZero() || p.runOnceAt.Before(due)) {
		due = p.runOnceAt
	}
	if due.IsZero() {
		return 0
	}
	if d := due.Sub(now); d > 0 {
		return d
	}
	return time.Second
}

// planSync works out the sync times of a repository. A schedule that does
// not parse stalls the repository with a message naming the field. A
// schedule firing more often than minInterval, which admission refuses but
// which a Repository admitted while the webhook was not serving may hold,
// syncs no sooner than minInterval from now.
func planSync(repo *configv1alpha1.Repository, now time.Time, period, minInterval time.Duration) (syncPlan, error) {
	var plan syncPlan
	spec := repo.Spec.Sync
	switch {
	case spec != nil && spec.Schedule != "":
		schedule, err := syncschedule.Parse(spec.Schedule)
		if err != nil {
			return plan, &outcome.Stalling{Reason: configv1alpha1.ReasonInvalidSpec,
				Message: fmt.Sprintf("spec.sync.schedule %q is not a cron expression: %v; use five fields such as \"*/10 * * * *\"", spec.Schedule, err)}
		}
		plan.next = syncschedule.NextAtLeast(schedule, now, minInterval)
	default:
		plan.next = now.Add(outcome.Jitter(period))
	}
	if spec != nil && spec.RunOnceAt != nil && !spec.RunOnceAt.Equal(repo.Status.ObservedRunOnceAt) {
		if spec.RunOnceAt.After(now) {
			plan.runOnceAt = spec.RunOnceAt.Time
		} else {
			plan.runOnceNow = true
		}
	}
	return plan, nil
}
