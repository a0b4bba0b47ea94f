package repository

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/reconcile"
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

// requeueAfter is how long until the earliest of the next sync and a future runOnceAt.
func (p syncPlan) requeueAfter(now time.Time) time.Duration {
	due := p.next
	if !p.runOnceAt.IsZero() && p.runOnceAt.Before(due) {
		due = p.runOnceAt
	}
	if d := due.Sub(now); d > 0 {
		return d
	}
	return time.Second
}

// planSync works out the sync times of a repository. A schedule that does
// not parse stalls the repository with a message naming the field.
func planSync(repo *configv1alpha1.Repository, now time.Time, period time.Duration) (syncPlan, error) {
	var plan syncPlan
	spec := repo.Spec.Sync
	switch {
	case spec != nil && spec.Schedule != "":
		schedule, err := cron.ParseStandard(spec.Schedule)
		if err != nil {
			return plan, &reconcile.Stalling{Reason: configv1alpha1.ReasonInvalidSpec,
				Message: fmt.Sprintf("spec.sync.schedule %q is not a cron expression: %v; use five fields such as \"*/10 * * * *\"", spec.Schedule, err)}
		}
		plan.next = schedule.Next(now)
	default:
		plan.next = now.Add(reconcile.Jitter(period))
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
