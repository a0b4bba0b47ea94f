package builtin

import (
	"bytes"
	"context"
	"errors"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// Func is one builtin function, run on a ResourceList in YAML (for the gRPC
// service) or on parsed resources (for the engine in this process). Both
// give the same output and log; a failing function may return output with
// an error.
type Func struct {
	bytes func(ctx context.Context, resourceList []byte) (out, log []byte, err error)
	// nodes runs the function on rl in place and sets rl.Results.
	nodes func(ctx context.Context, rl *cad.ResourceList) (log []byte, err error)
}

// fromSDK adapts a function written with the catalog's SDK. Its work is
// bounded by its input, so it does not watch the context.
func fromSDK(p fn.ResourceListProcessorFunc) Func {
	return Func{
		bytes: func(_ context.Context, in []byte) ([]byte, []byte, error) {
			out, err := fn.Run(p, in)
			return out, nil, err
		},
		nodes: func(_ context.Context, rl *cad.ResourceList) ([]byte, error) {
			return nil, runSDK(p, rl)
		},
	}
}

// sdkRun is a function written with the catalog's SDK that takes a context
// and logs.
type sdkRun func(ctx context.Context, rl *fn.ResourceList) (log []byte, ok bool, err error)

// fromContextSDK adapts an sdkRun.
func fromContextSDK(run sdkRun) Func {
	processor := func(ctx context.Context, log *[]byte) fn.ResourceListProcessorFunc {
		return func(rl *fn.ResourceList) (bool, error) {
			l, ok, err := run(ctx, rl)
			*log = l
			return ok, err
		}
	}
	return Func{
		bytes: func(ctx context.Context, in []byte) ([]byte, []byte, error) {
			var log []byte
			out, err := fn.Run(processor(ctx, &log), in)
			return out, log, err
		},
		nodes: func(ctx context.Context, rl *cad.ResourceList) ([]byte, error) {
			var log []byte
			err := runSDK(processor(ctx, &log), rl)
			return log, err
		},
	}
}

// runSDK does what fn.Run does between parsing and writing: the SDK sorts
// the items when it writes them, so the parsed path sorts them too.
func runSDK(p fn.ResourceListProcessorFunc, rl *cad.ResourceList) error {
	in := &fn.ResourceList{FunctionConfig: fn.NewEmptyKubeObject()}
	if rl.FunctionConfig != nil && rl.FunctionConfig.YNode().Kind == yaml.MappingNode {
		in.FunctionConfig = fn.MoveToKubeObject(rl.FunctionConfig)
	}
	for _, item := range rl.Items {
		in.Items = append(in.Items, fn.MoveToKubeObject(item))
	}
	success, err := p(in)
	in.Sort()
	rl.Items = make([]*yaml.RNode, 0, len(in.Items))
	for _, o := range in.Items {
		rl.Items = append(rl.Items, o.MoveToResourceNode())
	}
	results, rerr := convertResults(in.Results)
	rl.Results = results
	switch {
	case err != nil:
		return err
	case !success:
		return errors.New("error: function failure")
	}
	return rerr
}

// fromFramework adapts a function written with kyaml's framework. Its work
// is bounded by its input, so it does not watch the context.
func fromFramework(p framework.ResourceListProcessorFunc) Func {
	return Func{
		bytes: func(_ context.Context, in []byte) ([]byte, []byte, error) {
			var out bytes.Buffer
			err := framework.Execute(p, &kio.ByteReadWriter{
				Reader: bytes.NewReader(in),
				Writer: &out,
				// The orchestrator set the path and index annotations: they
				// go back as they came, none added, none removed.
				OmitReaderAnnotations: true,
				KeepReaderAnnotations: true,
			})
			return out.Bytes(), nil, err
		},
		nodes: func(_ context.Context, rl *cad.ResourceList) ([]byte, error) {
			return nil, runFramework(p, rl)
		},
	}
}

// runFramework does what framework.Execute does between reading and
// writing, but for the reconciling of path annotations, which the engine
// does around every function (see runner.NodeEvaluator).
func runFramework(p framework.ResourceListProcessorFunc, rl *cad.ResourceList) error {
	in := &framework.ResourceList{Items: rl.Items, FunctionConfig: rl.FunctionConfig}
	runErr := p(in)
	rl.Items = in.Items
	results, err := convertResults(in.Results)
	rl.Results = results
	if runErr != nil {
		return runErr
	}
	return err
}

// convertResults gives a function's results in the engine's type, through
// YAML as they would travel in a ResourceList: the SDK's, kyaml's and kpt's
// result types share their YAML shape, not their Go types.
func convertResults[T any](results []T) ([]cad.ResultItem, error) {
	if len(results) == 0 {
		return nil, nil
	}
	data, err := yaml.Marshal(results)
	if err != nil {
		return nil, err
	}
	var out []cad.ResultItem
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}
