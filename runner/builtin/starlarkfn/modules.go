package starlarkfn

import (
	"fmt"

	"github.com/kptdev/krm-functions-catalog/functions/go/starlark/krmfn"
	"github.com/qri-io/starlib/bsoup"
	"github.com/qri-io/starlib/encoding/base64"
	"github.com/qri-io/starlib/encoding/csv"
	"github.com/qri-io/starlib/encoding/json"
	"github.com/qri-io/starlib/encoding/yaml"
	"github.com/qri-io/starlib/geo"
	"github.com/qri-io/starlib/hash"
	"github.com/qri-io/starlib/html"
	"github.com/qri-io/starlib/math"
	"github.com/qri-io/starlib/re"
	"github.com/qri-io/starlib/time"
	"github.com/qri-io/starlib/xlsx"
	"github.com/qri-io/starlib/zipfile"
	"go.starlark.net/starlark"
)

// httpModule is the catalog's module that scripts may not load: its
// requests would leave from the manager's or the runner's network.
const httpModule = "http.star"

// modules are the modules a script may load, by the name it loads them
// by: the catalog's, but http.star.
var modules = map[string]func() (starlark.StringDict, error){
	bsoup.ModuleName:   bsoup.LoadModule,
	base64.ModuleName:  base64.LoadModule,
	csv.ModuleName:     csv.LoadModule,
	json.ModuleName:    func() (starlark.StringDict, error) { return starlark.StringDict{"json": json.Module}, nil },
	yaml.ModuleName:    yaml.LoadModule,
	geo.ModuleName:     geo.LoadModule,
	hash.ModuleName:    hash.LoadModule,
	html.ModuleName:    html.LoadModule,
	math.ModuleName:    func() (starlark.StringDict, error) { return starlark.StringDict{"math": math.Module}, nil },
	re.ModuleName:      re.LoadModule,
	time.ModuleName:    func() (starlark.StringDict, error) { return starlark.StringDict{"time": time.Module}, nil },
	xlsx.ModuleName:    xlsx.LoadModule,
	zipfile.ModuleName: zipfile.LoadModule,
	krmfn.ModuleName:   func() (starlark.StringDict, error) { return starlark.StringDict{"krmfn": krmfn.Module}, nil },
}

// load is the thread's loader of modules.
func load(_ *starlark.Thread, module string) (starlark.StringDict, error) {
	if module == httpModule {
		return nil, fmt.Errorf("module %q is not available: functions may not reach the network", module)
	}
	if m, ok := modules[module]; ok {
		return m()
	}
	return nil, fmt.Errorf("module %q not found", module)
}
