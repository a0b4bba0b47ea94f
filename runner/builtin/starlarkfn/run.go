package starlarkfn

import (
	"context"
	"fmt"
	"io"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// DefaultMaxSteps is the step budget of one run. A step is one bytecode
// instruction: `while True: pass` spends 10^8 of them in about 1.5 s on a
// busy 2-core machine, while a script that walks every field of a
// thousand resources spends about 10^6. The budget stops a runaway loop
// soon and leaves ordinary scripts two orders of magnitude of room; the
// function's deadline bounds what steps do not count (builtins that
// allocate or loop in Go).
const DefaultMaxSteps = 100_000_000

// fileOptions are the dialect scripts are written in: the catalog's, which
// allows set(), while loops and if/for/while at top level, global
// reassignment and recursion. Given per run, not through the interpreter's
// global flags, so that runs share nothing and need no lock.
var fileOptions = &syntax.FileOptions{
	Set:             true,
	While:           true,
	TopLevelControl: true,
	GlobalReassign:  true,
	Recursion:       true,
}

// BudgetError is a script that spent its step budget.
type BudgetError struct {
	Steps uint64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("starlark: too many steps (budget %d)", e.Steps)
}

// exec runs p with resourceList as ctx.resource_list, which it changes in
// place. It stops when the script spends maxSteps or ctx ends, with a
// BudgetError or an error wrapping ctx's. What the script prints goes to
// out.
func exec(ctx context.Context, p program, resourceList starlark.Value, maxSteps uint64, out io.Writer) error {
	thread := &starlark.Thread{
		Name: p.name,
		Load: load,
		Print: func(_ *starlark.Thread, msg string) {
			_, _ = fmt.Fprintln(out, msg)
		},
	}
	thread.SetMaxExecutionSteps(maxSteps)
	overBudget := false
	thread.OnMaxSteps = func(t *starlark.Thread) {
		overBudget = true
		t.Cancel("too many steps")
	}
	// Cancel is safe from another goroutine; the interpreter checks it
	// between steps.
	stop := context.AfterFunc(ctx, func() { thread.Cancel(context.Cause(ctx).Error()) })
	defer stop()
	_, err := starlark.ExecFileOptions(fileOptions, thread, p.name, p.source, predeclared(resourceList))
	switch {
	case err == nil:
		return nil
	case overBudget:
		return &BudgetError{Steps: maxSteps}
	case ctx.Err() != nil:
		return fmt.Errorf("starlark: %w", context.Cause(ctx))
	}
	// The interpreter's message, as the catalog reports it.
	return err
}
