package main

import (
	"context"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/render"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

// localFunctions runs a pipeline's functions on this machine: exec:
// functions from their executables, image: functions with the builtin
// functions the server's runner has, in-process, so that rendering needs no
// container engine and gives what the server gives.
type localFunctions struct {
	exec    render.ExecRunner
	builtin *runner.InProcess
}

func newLocalFunctions(exec render.ExecRunner) localFunctions {
	return localFunctions{exec: exec, builtin: runner.NewInProcess(builtin.New())}
}

var _ cad.NodeRunner = localFunctions{}

// Run implements cad.FunctionRunner.
func (l localFunctions) Run(ctx context.Context, fn cad.Function, resourceList []byte) ([]byte, []byte, error) {
	if fn.Exec != "" {
		return l.exec.Run(ctx, fn, resourceList)
	}
	return l.builtin.Run(ctx, fn, resourceList)
}

// RunNodes implements cad.NodeRunner: builtin functions run on the parsed
// resources; exec functions go through Run.
func (l localFunctions) RunNodes(ctx context.Context, fn cad.Function, in cad.ResourceList) (cad.ResourceList, []byte, bool, error) {
	if fn.Exec != "" {
		return cad.ResourceList{}, nil, false, nil
	}
	return l.builtin.RunNodes(ctx, fn, in)
}
