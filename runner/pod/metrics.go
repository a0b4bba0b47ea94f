package pod

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The states of a slot in porch_runner_pods.
const (
	stateStarting = "starting"
	stateBusy     = "busy"
	stateIdle     = "idle"
)

// metrics are an evaluator's own, not the package's: tests make many
// evaluators, each read on its own, and the gauge is read from the
// evaluator's pools.
type metrics struct {
	coldStarts    *prometheus.CounterVec
	startDuration *prometheus.HistogramVec
	pods          *prometheus.Desc
}

func newMetrics() *metrics {
	return &metrics{
		coldStarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "porch_runner_pod_cold_starts_total",
			Help: "Function pods the pod evaluator made for a call, by function (image): the call found none free, or its pod gone; pods adopted after a restart, and pods reused, are not counted.",
		}, []string{"function"}),
		startDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "porch_runner_pod_start_duration_seconds",
			Help: "How long function pods took from the decision to make one to its wrapper server answering, by result " +
				"(success; failure: the pod failed, or was not ready within the ready timeout, and was deleted; abandoned: the call ended first, and the pod was kept for the next).",
			// From a cached image's seconds to the ready timeout's minutes.
			Buckets: prometheus.ExponentialBuckets(0.25, 2, 11),
		}, []string{"result"}),
		pods: prometheus.NewDesc("porch_runner_pods",
			"Function pods the pod evaluator holds, by function (image) and state (starting: held by a call that is making it, "+
				"or connecting to it, before its wrapper server answers; busy: running a call; idle: free for the next call).",
			[]string{"function", "state"}, nil),
	}
}

var _ prometheus.Collector = (*Evaluator)(nil)

// Describe implements prometheus.Collector, so that the caller registers
// the evaluator's metrics where it serves them.
func (e *Evaluator) Describe(ch chan<- *prometheus.Desc) {
	e.metrics.coldStarts.Describe(ch)
	e.metrics.startDuration.Describe(ch)
	ch <- e.metrics.pods
}

// Collect implements prometheus.Collector. The pods are counted from the
// pools at each scrape, under the lock that guards them, so the gauge
// cannot drift from what the evaluator holds.
func (e *Evaluator) Collect(ch chan<- prometheus.Metric) {
	e.metrics.coldStarts.Collect(ch)
	e.metrics.startDuration.Collect(ch)
	for image, counts := range e.podStates() {
		for _, state := range []string{stateStarting, stateBusy, stateIdle} {
			ch <- prometheus.MustNewConstMetric(e.metrics.pods, prometheus.GaugeValue, float64(counts[state]), image, state)
		}
	}
}

// podStates counts the slots of each image with any by state. The channel
// is not written under the lock, which a slow scrape would hold.
func (e *Evaluator) podStates() map[string]map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	states := map[string]map[string]int{}
	for image, p := range e.pools {
		if len(p.slots) == 0 {
			continue
		}
		counts := map[string]int{}
		for _, s := range p.slots {
			counts[s.stateLocked()]++
		}
		states[image] = counts
	}
	return states
}

// stateLocked reads client, which prepare sets under Evaluator.mu for
// this.
func (s *slot) stateLocked() string {
	switch {
	case !s.busy:
		return stateIdle
	case s.client == nil:
		return stateStarting
	default:
		return stateBusy
	}
}

// coldStart records that s's pod is to be made for the call holding it.
func (e *Evaluator) coldStart(s *slot) {
	s.making = time.Now()
	e.metrics.coldStarts.WithLabelValues(s.image).Inc()
}

// observeStart records how the making of s's pod ended, when the call
// holding s made it: err is connect's, ctx the call's.
func (e *Evaluator) observeStart(ctx context.Context, s *slot, err error) {
	if s.making.IsZero() {
		return
	}
	result := "success"
	switch {
	case err == nil:
	case ctx.Err() != nil:
		result = "abandoned"
	default:
		result = "failure"
	}
	e.metrics.startDuration.WithLabelValues(result).Observe(time.Since(s.making).Seconds())
	s.making = time.Time{}
}
