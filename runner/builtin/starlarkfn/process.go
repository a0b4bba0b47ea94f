package starlarkfn

import (
	"bytes"
	"context"
	"errors"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/qri-io/starlib/util"
	"go.starlark.net/starlark"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DefaultMaxLogBytes bounds what a script's print() calls keep.
const DefaultMaxLogBytes = 64 << 10

// Options bound one run.
type Options struct {
	// MaxSteps is the step budget; 0 means DefaultMaxSteps.
	MaxSteps uint64
	// MaxLogBytes bounds the log, what the script printed; 0 means
	// DefaultMaxLogBytes. What goes past it is dropped.
	MaxLogBytes int
}

func (o Options) withDefaults() Options {
	if o.MaxSteps == 0 {
		o.MaxSteps = DefaultMaxSteps
	}
	if o.MaxLogBytes <= 0 {
		o.MaxLogBytes = DefaultMaxLogBytes
	}
	return o
}

// Process runs the script of rl's functionConfig over rl's items, as the
// catalog's starlark.Process does, and returns what the script printed.
//
// A configuration or script error is the function's result: an error
// result in rl and ok false, with no error, as the catalog reports it. A
// run stopped by its limits (the step budget, ctx's end) is a failure of
// the call as well: its error, a *BudgetError or one wrapping ctx's, is
// returned besides the result, so that callers can tell it from a script
// that failed.
func Process(ctx context.Context, rl *fn.ResourceList, o Options) (log []byte, ok bool, err error) {
	o = o.withDefaults()
	out := &boundedLog{limit: o.MaxLogBytes}
	runErr := transform(ctx, rl, o, out)
	if runErr == nil {
		return out.Bytes(), true, nil
	}
	rl.Results = []*fn.Result{{Message: runErr.Error(), Severity: fn.Error}}
	var budget *BudgetError
	if errors.As(runErr, &budget) || errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded) {
		return out.Bytes(), false, runErr
	}
	return out.Bytes(), false, nil
}

// transform reads the program, runs it over the ResourceList as the
// catalog builds it (items, then functionConfig), and sets rl's items to
// what the script left.
func transform(ctx context.Context, rl *fn.ResourceList, o Options, log *boundedLog) error {
	p, err := readProgram(rl.FunctionConfig)
	if err != nil {
		return err
	}
	in, err := wrap(rl)
	if err != nil {
		return err
	}
	value, err := toStarlark(in)
	if err != nil {
		return err
	}
	if err := exec(ctx, p, value, o.MaxSteps, log); err != nil {
		return err
	}
	items, err := fromStarlark(value)
	if err != nil {
		return err
	}
	objects := make([]*fn.KubeObject, 0, len(items))
	for _, item := range items {
		s, err := item.String()
		if err != nil {
			return err
		}
		obj, err := fn.ParseKubeObject([]byte(s))
		if err != nil {
			return err
		}
		objects = append(objects, obj)
	}
	rl.Items = objects
	return nil
}

// wrap gives rl as a ResourceList node, each item and the functionConfig
// a copy, as kyaml's starlark runtime wraps them.
func wrap(rl *fn.ResourceList) (*yaml.RNode, error) {
	out, err := yaml.FromMap(map[string]any{
		"apiVersion": kio.ResourceListAPIVersion,
		"kind":       kio.ResourceListKind,
		"items":      []any{},
	})
	if err != nil {
		return nil, err
	}
	items := make([]*yaml.Node, 0, len(rl.Items))
	for _, obj := range rl.Items {
		n, err := yaml.Parse(obj.String())
		if err != nil {
			return nil, err
		}
		items = append(items, n.YNode())
	}
	if _, err := out.Pipe(yaml.Lookup("items"), yaml.Append(items...)); err != nil {
		return nil, err
	}
	config, err := yaml.Parse(rl.FunctionConfig.String())
	if err != nil {
		return nil, err
	}
	if _, err := out.Pipe(yaml.SetField("functionConfig", config)); err != nil {
		return nil, err
	}
	return out, nil
}

// toStarlark converts a node to the dicts and lists the script works on.
func toStarlark(rn *yaml.RNode) (starlark.Value, error) {
	m, err := rn.Map()
	if err != nil {
		return nil, err
	}
	return util.Marshal(m)
}

// fromStarlark reads back the items of the ResourceList the script left.
func fromStarlark(value starlark.Value) ([]*yaml.RNode, error) {
	plain, err := util.Unmarshal(value)
	if err != nil {
		return nil, err
	}
	b, err := yaml.Marshal(plain)
	if err != nil {
		return nil, err
	}
	rn, err := yaml.Parse(string(b))
	if err != nil {
		return nil, err
	}
	items, err := rn.Pipe(yaml.Lookup("items"))
	if err != nil {
		return nil, err
	}
	return items.Elements()
}

// boundedLog keeps the first limit bytes written to it.
type boundedLog struct {
	buf   bytes.Buffer
	limit int
}

func (b *boundedLog) Write(p []byte) (int, error) {
	if room := b.limit - b.buf.Len(); room < len(p) {
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *boundedLog) Bytes() []byte { return b.buf.Bytes() }
