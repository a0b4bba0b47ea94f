// Package runner is the KRM function runner: the gRPC service
// evaluator.FunctionEvaluator of upstream Porch (EvaluateFunction, plus the
// standard health service) over evaluators tried in order, and the two
// cad.FunctionRunner implementations the engine uses: Client, which calls
// the service, and InProcess, which calls the evaluators directly.
//
// The evaluators live in subpackages: builtin (Go functions compiled in),
// exec (executables named by a config) and pod (any image, run in a Pod
// whose wrapper server, cmd/wrapper-server, serves this same API).
//
// A failed function's output and log travel with the gRPC error as an
// EvaluateFunctionResponse detail, so that Client returns them as
// InProcess does: the results say why it failed.
//
// Metrics are registered by the process that serves them, not in a global
// registry: RegisterMetrics for the service's, and the pod evaluator is a
// prometheus.Collector of its own.
package runner
