package starlarkfn

import (
	"encoding/json"
	"sync"

	"github.com/qri-io/starlib/util"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// predeclared is what a script finds in scope: ctx, as the catalog's
// function gives it.
func predeclared(resourceList starlark.Value) starlark.StringDict {
	return starlark.StringDict{
		"ctx": starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
			"resource_list": resourceList,
			"open_api":      &lazyOpenAPI{},
			// The catalog gives the process's environment, which here is
			// the manager's or the runner's: not a user's to read.
			"environment": starlark.NewDict(0),
		}),
	}
}

// openAPISchema is kyaml's schema as plain values, decoded once per
// process: each script that reads ctx.open_api gets its own starlark copy
// of it, since scripts may change what they are given.
var openAPISchema = sync.OnceValues(func() (map[string]any, error) {
	b, err := json.Marshal(openapi.Schema())
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
})

// lazyOpenAPI is ctx.open_api: a mapping that builds the schema's
// starlark value on first use, since few scripts read it and it is large.
// A script runs on one thread, so it needs no lock of its own.
type lazyOpenAPI struct {
	val starlark.Value
	err error
}

var _ starlark.Mapping = (*lazyOpenAPI)(nil)

func (v *lazyOpenAPI) value() (starlark.Value, error) {
	if v.val == nil && v.err == nil {
		m, err := openAPISchema()
		if err == nil {
			v.val, err = util.Marshal(m)
		}
		if err != nil {
			v.val, v.err = starlark.None, err
		}
	}
	return v.val, v.err
}

// must gives the value to the methods of starlark.Value that cannot fail:
// on an error they see None, and Get reports the error.
func (v *lazyOpenAPI) must() starlark.Value {
	val, _ := v.value()
	return val
}

func (v *lazyOpenAPI) String() string        { return v.must().String() }
func (v *lazyOpenAPI) Type() string          { return v.must().Type() }
func (v *lazyOpenAPI) Freeze()               { v.must().Freeze() }
func (v *lazyOpenAPI) Truth() starlark.Bool  { return v.must().Truth() }
func (v *lazyOpenAPI) Hash() (uint32, error) { return v.must().Hash() }

func (v *lazyOpenAPI) Get(key starlark.Value) (starlark.Value, bool, error) {
	val, err := v.value()
	if err != nil {
		return nil, false, err
	}
	if m, ok := val.(starlark.Mapping); ok {
		return m.Get(key)
	}
	return nil, false, nil
}
