package main

import (
	"fmt"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/exec"
	"github.com/porch-dev/porch/runner/isolation"
	"github.com/porch-dev/porch/runner/pod"
)

// buildEvaluators returns the evaluators in the order they are tried:
// builtins first, as they cost no process, then executables, then pods,
// which know every image. The pod evaluator, when enabled, is also
// returned on its own, for the caller to start and close.
func buildEvaluators(f flags) ([]runner.Evaluator, *pod.Evaluator, error) {
	builtins, err := newBuiltins(f.starlark)
	if err != nil {
		return nil, nil, err
	}
	evaluators := []runner.Evaluator{builtins}
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

// newBuiltins returns the builtin functions, starlark's runs each in a
// child process: of isolated-function beside this binary, or else of this
// binary (which main serves with isolation.Main).
func newBuiltins(s starlarkFlags) (*builtin.Evaluator, error) {
	exe, err := isolation.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the binary to run starlark in: %w", err)
	}
	iso := isolation.New(exe, isolation.Options{MemoryBytes: s.memoryBytes, Processes: s.processes, StarlarkMaxSteps: s.maxSteps})
	return builtin.New(builtin.WithStarlarkMaxSteps(s.maxSteps), builtin.WithIsolator(iso)), nil
}
