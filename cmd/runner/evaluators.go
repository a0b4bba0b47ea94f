package main

import (
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/exec"
)

// buildEvaluators returns the evaluators in the order they are tried:
// builtins first, as they cost no process.
func buildEvaluators(f flags) ([]runner.Evaluator, error) {
	evaluators := []runner.Evaluator{builtin.New()}
	if f.execConfig != "" {
		c, err := exec.LoadConfig(f.execConfig)
		if err != nil {
			return nil, err
		}
		evaluators = append(evaluators, exec.New(c, exec.WithTimeout(f.execTimeout), exec.WithMaxOutputBytes(f.execMaxOutputBytes)))
	}
	return evaluators, nil
}
