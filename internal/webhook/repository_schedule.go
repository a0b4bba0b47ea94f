package webhook

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/syncschedule"
)

// validateSchedule refuses a spec.sync.schedule that is not a cron
// expression, or that fires more often than minInterval: the manager's
// sync slots are shared by every namespace, and a schedule of "@every 1s"
// would have one Repository fetch and write in a loop. runOnceAt is one
// sync, and is not held to the minimum.
func validateSchedule(repo *configv1alpha1.Repository, minInterval time.Duration) field.ErrorList {
	if repo.Spec.Sync == nil || repo.Spec.Sync.Schedule == "" {
		return nil
	}
	path := field.NewPath("spec", "sync", "schedule")
	expr := repo.Spec.Sync.Schedule
	schedule, err := syncschedule.Parse(expr)
	if err != nil {
		return field.ErrorList{field.Invalid(path, expr, fmt.Sprintf(
			"not a cron expression: %v; use five fields such as \"*/10 * * * *\", or a descriptor such as \"@hourly\" or \"@every 10m\"", err))}
	}
	if every := syncschedule.ShortestInterval(schedule); every < minInterval {
		return field.ErrorList{field.Invalid(path, expr, fmt.Sprintf(
			"fires as often as every %s, more often than the manager's minimum sync interval of %s; use a schedule firing at most every %s, such as \"@every %s\"",
			every, minInterval, minInterval, minInterval))}
	}
	return nil
}
