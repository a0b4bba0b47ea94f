package runner

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The results of a call, as the service can tell them apart.
const (
	resultSuccess  = "success"
	resultFailure  = "failure"
	resultTimeout  = "timeout"
	resultCanceled = "canceled"
	resultNotFound = "not_found"
)

// evaluationDuration is shared by every server of the process: tests make
// many, and a process serves one, so the caller registers it once, where
// it wants it (RegisterMetrics), rather than init in a global registry.
var evaluationDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
	Name: "porch_runner_evaluation_duration_seconds",
	Help: "How long the function runner's EvaluateFunction calls took, by function (the image as requested) and result " +
		"(success; failure: the function failed, or could not be run; timeout: the call's deadline passed; " +
		"canceled: the caller went away; not_found: no evaluator knows the image).",
	// As porch_render_function_duration_seconds, the manager's view of the
	// same calls: from a builtin's milliseconds to the call timeout.
	Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
}, []string{"function", "result"})

// RegisterMetrics registers the metrics of the servers NewServer returns.
func RegisterMetrics(reg prometheus.Registerer) error {
	return reg.Register(evaluationDuration)
}

// observeEvaluation records a call of image begun at started, whose
// context is ctx, that ended with err.
func observeEvaluation(ctx context.Context, image string, started time.Time, err error) {
	evaluationDuration.WithLabelValues(image, evaluationResult(ctx, err)).Observe(time.Since(started).Seconds())
}

// evaluationResult reads a timeout from the call's context, not from err:
// a function's own error may wrap context.DeadlineExceeded (a pod not
// ready within its ready timeout) while the call had time left, and a
// function cut off by the deadline may return any error.
func evaluationResult(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return resultSuccess
	case errors.Is(err, ErrNotFound):
		return resultNotFound
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return resultTimeout
	case errors.Is(ctx.Err(), context.Canceled):
		return resultCanceled
	default:
		return resultFailure
	}
}
