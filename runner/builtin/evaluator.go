package builtin

import (
	"context"
	"fmt"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
)

// version is one release line of a function: its tag prefix and code.
type version struct {
	tag string
	run Func
}

// Evaluator runs the builtin functions. It implements runner.Evaluator and
// runner.NodeEvaluator.
type Evaluator struct {
	functions map[string][]version
}

var (
	_ runner.Evaluator     = (*Evaluator)(nil)
	_ runner.NodeEvaluator = (*Evaluator)(nil)
)

// New returns an evaluator of every builtin function.
func New() *Evaluator {
	e := &Evaluator{functions: map[string][]version{}}
	for _, f := range catalog {
		e.functions[f.name] = append(e.functions[f.name], version{tag: f.tag, run: f.run})
	}
	return e
}

// Evaluate implements runner.Evaluator. Builtins log nothing: what they have
// to say is in the ResourceList's results.
func (e *Evaluator) Evaluate(_ context.Context, image string, resourceList []byte) ([]byte, []byte, error) {
	run, ok := e.lookup(image)
	if !ok {
		return nil, nil, &runner.NotFoundError{Image: image}
	}
	out, err := run.bytes(resourceList)
	if err != nil {
		return out, nil, failed(image, err)
	}
	return out, nil, nil
}

// EvaluateNodes implements runner.NodeEvaluator, with Evaluate's errors.
func (e *Evaluator) EvaluateNodes(_ context.Context, image string, rl *cad.ResourceList) ([]byte, error) {
	run, ok := e.lookup(image)
	if !ok {
		return nil, &runner.NotFoundError{Image: image}
	}
	if err := run.nodes(rl); err != nil {
		return nil, failed(image, err)
	}
	return nil, nil
}

// Knows reports whether the evaluator runs image.
func (e *Evaluator) Knows(image string) bool {
	_, ok := e.lookup(image)
	return ok
}

func (e *Evaluator) lookup(image string) (Func, bool) {
	name, tag, ok := parseImage(image)
	if !ok {
		return Func{}, false
	}
	for _, v := range e.functions[name] {
		if tagMatches(v.tag, tag) {
			return v.run, true
		}
	}
	return Func{}, false
}

func failed(image string, err error) error {
	return fmt.Errorf("function %q failed: %w", image, err)
}
