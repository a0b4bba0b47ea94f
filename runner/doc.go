// Package runner will hold the KRM function runner: a gRPC
// FunctionEvaluator service with builtin, exec and pod evaluators. It is
// empty until the runner work lands.
package runner
