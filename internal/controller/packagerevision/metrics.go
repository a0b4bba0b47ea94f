package packagerevision

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/tracing"
)

var (
	authoringSteps = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "porch_authoring_steps_total",
		Help: "Authoring steps carried out, by namespace, repository, step (create, edit, propose, approve, reject, propose-deletion, delete; record: a Draft's package conditions, or the finalizer) and result (success, failure).",
	}, []string{"namespace", "repository", "step", "result"})
	authoringStepDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "porch_authoring_step_duration_seconds",
		Help:    "How long authoring steps took, from the reconcile's start to its status written, by step and result.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 14),
	}, []string{"step", "result"})
	functionDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "porch_render_function_duration_seconds",
		Help:    "How long one function of a render took, by function (image or executable) and result (success, failure).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
	}, []string{"function", "result"})
)

func init() {
	metrics.Registry.MustRegister(authoringSteps, authoringStepDuration, functionDuration)
}

// step names what a reconcile of s is about to do for its user; "" when
// it has nothing to do.
func (s *scope) step() string {
	switch {
	case !s.pr.DeletionTimestamp.IsZero():
		return "delete"
	case !s.actionNeeded():
		return ""
	case s.pr.SpecPending() && !s.pr.Adopted():
		return "create"
	case s.editPending():
		return "edit"
	case !s.pr.SpecPending():
		return "record"
	}
	switch s.pr.Spec.Lifecycle {
	case porchv1alpha1.PackageRevisionLifecycleProposed:
		return "propose"
	case porchv1alpha1.PackageRevisionLifecyclePublished:
		return "approve"
	case porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		return "propose-deletion"
	default:
		return "reject"
	}
}

// observeStep records a step of s that ended with err.
func observeStep(s *scope, step string, started time.Time, err error) {
	if step == "" {
		return
	}
	result := resultOf(err)
	authoringSteps.WithLabelValues(s.pr.Namespace, s.pr.Spec.RepositoryName, step, result).Inc()
	authoringStepDuration.WithLabelValues(step, result).Observe(time.Since(started).Seconds())
}

func resultOf(err error) string {
	if err != nil {
		return "failure"
	}
	return "success"
}

// timedFunctions is a FunctionRunner that times each function it runs.
type timedFunctions struct {
	cad.FunctionRunner
}

// timedNodeFunctions is timedFunctions of a runner of parsed resources,
// which the engine prefers: the wrapper keeps that way open.
type timedNodeFunctions struct {
	timedFunctions
	nodes cad.NodeRunner
}

// timeFunctions wraps runner so that each function's run is timed.
func timeFunctions(runner cad.FunctionRunner) cad.FunctionRunner {
	if runner == nil {
		return nil
	}
	if nodes, ok := runner.(cad.NodeRunner); ok {
		return &timedNodeFunctions{timedFunctions: timedFunctions{runner}, nodes: nodes}
	}
	return &timedFunctions{runner}
}

func (t *timedFunctions) Run(ctx context.Context, fn cad.Function, resourceList []byte) ([]byte, []byte, error) {
	started := time.Now()
	ctx, span := startFunction(ctx, fn)
	out, log, err := t.FunctionRunner.Run(ctx, fn, resourceList)
	observeFunction(fn, started, err)
	tracing.End(span, err)
	return out, log, err
}

// RunNodes times, and traces, only the runs the runner handles: the
// engine runs the others through Run. The span is made once that is
// known, dated from the run's start.
func (t *timedNodeFunctions) RunNodes(ctx context.Context, fn cad.Function, in cad.ResourceList) (cad.ResourceList, []byte, bool, error) {
	started := time.Now()
	out, log, handled, err := t.nodes.RunNodes(ctx, fn, in)
	if handled {
		observeFunction(fn, started, err)
		_, span := startFunction(ctx, fn, trace.WithTimestamp(started))
		tracing.End(span, err)
	}
	return out, log, handled, err
}

func observeFunction(fn cad.Function, started time.Time, err error) {
	functionDuration.WithLabelValues(functionName(fn), resultOf(err)).Observe(time.Since(started).Seconds())
}

// functionName is the image a function runs, or its executable.
func functionName(fn cad.Function) string {
	if fn.Image != "" {
		return fn.Image
	}
	return fn.Exec
}
