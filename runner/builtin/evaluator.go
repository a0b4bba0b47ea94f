package builtin

import (
	"context"
	"fmt"

	"github.com/porch-dev/porch/runner"
)

// version is one release line of a function: its tag prefix and code.
type version struct {
	tag string
	run Func
}

// Evaluator runs the builtin functions. It implements runner.Evaluator.
type Evaluator struct {
	functions map[string][]version
}

var _ runner.Evaluator = (*Evaluator)(nil)

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
	run := e.lookup(image)
	if run == nil {
		return nil, nil, &runner.NotFoundError{Image: image}
	}
	out, err := run(resourceList)
	if err != nil {
		return out, nil, fmt.Errorf("function %q failed: %w", image, err)
	}
	return out, nil, nil
}

// Knows reports whether the evaluator runs image.
func (e *Evaluator) Knows(image string) bool { return e.lookup(image) != nil }

func (e *Evaluator) lookup(image string) Func {
	name, tag, ok := parseImage(image)
	if !ok {
		return nil
	}
	for _, v := range e.functions[name] {
		if tagMatches(v.tag, tag) {
			return v.run
		}
	}
	return nil
}
