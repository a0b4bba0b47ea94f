// Package runner is the KRM function runner: a gRPC FunctionEvaluator
// service with builtin, exec and pod evaluators.
package runner
