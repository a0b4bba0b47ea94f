package main

import (
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/exec"
	"github.com/porch-dev/porch/runner/pod"
)

// buildEvaluators returns the evaluators in the order they are tried:
// builtins first, as they cost no process, then executables, then pods,
// which know every image. The pod evaluator, when enabled, is also
// returned on its own, for the caller to start and close.
func buildEvaluators(f flags) ([]runner.Evaluator, *pod.Evaluator, error) {
	evaluators := []runner.Evaluator{builtin.New(builtin.WithStarlarkMaxSteps(f.starlarkMaxSteps))}
	if f.execConfig != "" {
		c, err := exec.LoadConfig(f.execConfig)
		if err != nil {
			return nil, nil, err
		}
		evaluators = append(evaluators, exec.New(c, exec.WithTimeout(f.execTimeout), exec.WithMaxOutputBytes(f.execMaxOutputBytes)))
	}
	if f.pods.namespace == "" {
		return evaluators, nil, nil
	}
	pods, err := newPodEvaluator(f.pods, f.maxMessageBytes)
	if err != nil {
		return nil, nil, err
	}
	return append(evaluators, pods), pods, nil
}
