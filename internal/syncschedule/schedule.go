// Package syncschedule reads a Repository's spec.sync.schedule: when it
// fires next, and the shortest time between two of its firings, which
// admission and the Repository controller both hold to the manager's
// minimum sync interval, so that no tenant's schedule makes the shared
// manager fetch and write in a loop.
package syncschedule

import (
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultMinInterval is the manager's default --min-sync-interval.
const DefaultMinInterval = time.Minute

// Parse reads a schedule as the Repository controller does: five cron
// fields (no seconds), or a descriptor such as "@hourly" or "@every 10m".
func Parse(expr string) (cron.Schedule, error) {
	return cron.ParseStandard(expr)
}

// The window over which ShortestInterval looks for the closest firings. It
// starts in a leap year and spans two Februaries, one of each length, so
// that gaps which appear only around the end of a month (a schedule on
// the 28th and the 1st, say) are seen; the count bounds the work a dense
// schedule costs an admission request (under 20 ms for one firing every two
// minutes, which reaches it within two weeks: such a schedule fires the
// same way every day, so its closest firings are seen on the first).
var (
	windowStart = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)
	windowEnd   = windowStart.AddDate(2, 0, 0)
)

const maxFirings = 10_000

// ShortestInterval is the shortest time between two consecutive firings of
// s, found by asking s itself for its firings over two years (at most
// maxFirings of them). A schedule that fires fewer than twice in that
// window gets the window's length: it is at least that.
func ShortestInterval(s cron.Schedule) time.Duration {
	if every, ok := s.(cron.ConstantDelaySchedule); ok {
		return every.Delay // "@every": the same gap between every pair
	}
	shortest := windowEnd.Sub(windowStart)
	prev := s.Next(windowStart)
	for range maxFirings {
		if prev.IsZero() || !prev.Before(windowEnd) {
			break
		}
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		shortest = min(shortest, next.Sub(prev))
		if shortest <= time.Minute {
			break // five cron fields fire at most once a minute: nothing comes closer
		}
		prev = next
	}
	return shortest
}

// NextAtLeast is the first firing of s that is at least minInterval after
// now: the next sync of a repository whose schedule may fire more often
// than the manager allows, because it was admitted while the webhook was
// not checking. Zero when s never fires again.
func NextAtLeast(s cron.Schedule, now time.Time, minInterval time.Duration) time.Time {
	next := s.Next(now)
	for !next.IsZero() && next.Sub(now) < minInterval {
		next = s.Next(next)
	}
	return next
}
