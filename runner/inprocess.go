package runner

import (
	"context"
	"errors"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// InProcess is a cad.FunctionRunner that calls evaluators directly, without
// the gRPC service: for tests and for a single-binary setup.
type InProcess struct {
	chain Chain
}

var _ cad.NodeRunner = (*InProcess)(nil)

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

// RunNodes implements cad.NodeRunner. It answers for the evaluators at the
// head of the chain that take parsed resources; from the first one that
// does not, the function goes through Run, so that the order in which
// evaluators are tried stays the same.
func (r *InProcess) RunNodes(ctx context.Context, fn cad.Function, in cad.ResourceList) (cad.ResourceList, []byte, bool, error) {
	if fn.Image == "" {
		return cad.ResourceList{}, nil, false, nil
	}
	for _, e := range r.chain {
		ne, ok := e.(NodeEvaluator)
		if !ok {
			return cad.ResourceList{}, nil, false, nil
		}
		if !ne.Knows(fn.Image) {
			continue
		}
		// The function works on a copy: the caller keeps its input.
		rl := copyResourceList(in)
		log, err := evaluateNodesSafely(ctx, ne, fn.Image, &rl)
		if stopped := (*StoppedError)(nil); errors.As(err, &stopped) {
			// The abandoned call may still be changing rl.
			return cad.ResourceList{}, nil, true, err
		}
		return rl, log, true, err
	}
	return cad.ResourceList{}, nil, true, r.chain.notFound(fn.Image)
}

func copyResourceList(in cad.ResourceList) cad.ResourceList {
	out := cad.ResourceList{Items: make([]*yaml.RNode, 0, len(in.Items))}
	for _, item := range in.Items {
		out.Items = append(out.Items, item.Copy())
	}
	if in.FunctionConfig != nil {
		out.FunctionConfig = in.FunctionConfig.Copy()
	}
	return out
}
