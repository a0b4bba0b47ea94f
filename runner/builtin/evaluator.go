package builtin

import (
	"context"
	"fmt"
	"slices"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
)

// version is one release line of a function: its tag prefix and code.
type version struct {
	tag      string
	run      Func
	userCode bool
}

// Evaluator runs the builtin functions. It implements runner.Evaluator and
// runner.NodeEvaluator.
type Evaluator struct {
	functions map[string][]version
	isolator  Isolator
}

var (
	_ runner.Evaluator     = (*Evaluator)(nil)
	_ runner.NodeEvaluator = (*Evaluator)(nil)
)

// Isolator runs a builtin function somewhere other than this process, for
// the functions that run code from their configuration (starlark), whose
// memory this process could not bound. It takes and gives what Evaluate
// does.
type Isolator interface {
	Evaluate(ctx context.Context, image string, resourceList []byte) (output, log []byte, err error)
}

// Option configures an Evaluator.
type Option func(*options)

type options struct {
	starlarkMaxSteps uint64
	isolator         Isolator
}

// WithStarlarkMaxSteps sets the step budget of one starlark run; 0 keeps
// starlarkfn.DefaultMaxSteps.
func WithStarlarkMaxSteps(n uint64) Option {
	return func(o *options) { o.starlarkMaxSteps = n }
}

// WithIsolator runs the functions that run user code (starlark) through
// iso instead of in this process.
func WithIsolator(iso Isolator) Option {
	return func(o *options) { o.isolator = iso }
}

// New returns an evaluator of every builtin function.
func New(opts ...Option) *Evaluator {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	e := &Evaluator{functions: map[string][]version{}, isolator: o.isolator}
	for _, f := range catalog(o) {
		e.functions[f.name] = append(e.functions[f.name], version{tag: f.tag, run: f.run, userCode: f.userCode})
	}
	return e
}

// Evaluate implements runner.Evaluator. What a function logs is what its
// script printed; the others log nothing, what they have to say is in the
// ResourceList's results.
func (e *Evaluator) Evaluate(ctx context.Context, image string, resourceList []byte) ([]byte, []byte, error) {
	v, ok := e.lookup(image)
	if !ok {
		return nil, nil, &runner.NotFoundError{Image: image}
	}
	if v.userCode && e.isolator != nil {
		// The isolator's errors name the image already.
		return e.isolator.Evaluate(ctx, image, resourceList)
	}
	out, log, err := v.run.bytes(ctx, resourceList)
	if err != nil {
		return out, log, failed(image, err)
	}
	return out, log, nil
}

// EvaluateNodes implements runner.NodeEvaluator, with Evaluate's errors.
func (e *Evaluator) EvaluateNodes(ctx context.Context, image string, rl *cad.ResourceList) ([]byte, error) {
	v, ok := e.lookup(image)
	if !ok {
		return nil, &runner.NotFoundError{Image: image}
	}
	if v.userCode && e.isolator != nil {
		return evaluateNodesIsolated(ctx, e.isolator, image, rl)
	}
	log, err := v.run.nodes(ctx, rl)
	if err != nil {
		return log, failed(image, err)
	}
	return log, nil
}

// Images implements runner.Lister: each function and tag line, by the
// short name a Kptfile may give.
func (e *Evaluator) Images() []string {
	var images []string
	for name, versions := range e.functions {
		for _, v := range versions {
			images = append(images, name+":"+v.tag)
		}
	}
	slices.Sort(images)
	return images
}

// Knows reports whether the evaluator runs image.
func (e *Evaluator) Knows(image string) bool {
	_, ok := e.lookup(image)
	return ok
}

func (e *Evaluator) lookup(image string) (version, bool) {
	name, tag, ok := parseImage(image)
	if !ok {
		return version{}, false
	}
	for _, v := range e.functions[name] {
		if tagMatches(v.tag, tag) {
			return v, true
		}
	}
	return version{}, false
}

func failed(image string, err error) error {
	return fmt.Errorf("function %q failed: %w", image, err)
}
