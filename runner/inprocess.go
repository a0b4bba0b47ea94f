package runner

import (
	"context"

	"github.com/porch-dev/porch/internal/cad"
)

// InProcess is a cad.FunctionRunner that calls evaluators directly, without
// the gRPC service: for tests and for a single-binary setup.
type InProcess struct {
	chain Chain
}

var _ cad.FunctionRunner = (*InProcess)(nil)

// NewInProcess returns a runner over evaluators, tried in order.
func NewInProcess(evaluators ...Evaluator) *InProcess {
	return &InProcess{chain: Chain(evaluators)}
}

// Run implements cad.FunctionRunner, with the same errors as Client's.
func (r *InProcess) Run(ctx context.Context, fn cad.Function, resourceList []byte) ([]byte, []byte, error) {
	if fn.Image == "" {
		return nil, nil, errNoImage(fn)
	}
	return r.chain.Evaluate(ctx, fn.Image, resourceList)
}
