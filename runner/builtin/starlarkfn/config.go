package starlarkfn

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The two kinds of functionConfig the catalog's function reads.
const (
	runGroup      = "fn.kpt.dev"
	runVersion    = "v1alpha1"
	runKind       = "StarlarkRun"
	configMapKind = "ConfigMap"
	sourceKey     = "source"
	// defaultName names a program whose configuration has no name, as
	// the catalog does: it shows in the script's error positions.
	defaultName = "starlark-function-run"
)

// program is a script to run and the name its errors give it.
type program struct {
	name   string
	source string
}

// starlarkRun is the StarlarkRun kind's fields the function reads.
type starlarkRun struct {
	Source string `json:"source" yaml:"source"`
	// Params are for the script, which reads them from
	// ctx.resource_list["functionConfig"]; they are decoded only to refuse
	// what is not a map, as the catalog does.
	Params map[string]any `json:"params,omitempty" yaml:"params,omitempty"`
}

// configMap is the ConfigMap kind's fields the function reads: data.source
// is the script, and every data key a parameter (the script reads them
// from the ConfigMap in ctx.resource_list).
type configMap struct {
	Data map[string]string `json:"data,omitempty" yaml:"data,omitempty"`
}

// readProgram reads the functionConfig as the catalog does, with its
// messages.
func readProgram(config *fn.KubeObject) (program, error) {
	p := program{name: config.GetName()}
	switch {
	case config.IsEmpty():
		return p, fmt.Errorf("FunctionConfig is missing. Expect `ConfigMap` or `StarlarkRun`")
	case config.IsGVK("", "v1", configMapKind):
		var cm configMap
		if err := config.As(&cm); err != nil {
			return p, err
		}
		p.source = cm.Data[sourceKey]
	case config.IsGVK(runGroup, runVersion, runKind):
		var run starlarkRun
		if err := config.As(&run); err != nil {
			return p, err
		}
		p.source = run.Source
	default:
		return p, fmt.Errorf("`functionConfig` must be either %v or %v, but we got: %v",
			schema.FromAPIVersionAndKind("v1", configMapKind).String(),
			schema.FromAPIVersionAndKind(runGroup+"/"+runVersion, runKind).String(),
			schema.FromAPIVersionAndKind(config.GetAPIVersion(), config.GetKind()).String())
	}
	if p.name == "" {
		p.name = defaultName
	}
	if p.source == "" {
		return p, fmt.Errorf("`source` must not be empty")
	}
	return p, nil
}
