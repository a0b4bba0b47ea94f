package builtin

import (
	"context"

	"github.com/kptdev/krm-functions-catalog/functions/go/apply-replacements/replacements"
	setnamespace "github.com/kptdev/krm-functions-catalog/functions/go/set-namespace/transformer"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/porch-dev/porch/runner/builtin/starlarkfn"
)

// entry is one function of the catalog by name and tag prefix. A tag prefix
// stands for every release of that line, so only lines whose behaviour the
// code here matches are listed.
type entry struct {
	name, tag string
	run       Func
	// userCode says the function runs code from its configuration, whose
	// work its input does not bound: the functions an Isolator takes.
	userCode bool
}

// catalog lists the builtin functions.
func catalog(o options) []entry {
	starlark := fromContextSDK(func(ctx context.Context, rl *fn.ResourceList) ([]byte, bool, error) {
		return starlarkfn.Process(ctx, rl, starlarkfn.Options{MaxSteps: o.starlarkMaxSteps})
	})
	return []entry{
		// The catalog's own code.
		{name: "set-namespace", tag: "v0.4", run: fromSDK(setnamespace.Run)},
		{name: "apply-replacements", tag: "v0.1", run: fromSDK(replacements.ApplyReplacements)},
		// Our runtime of the catalog's starlark (see starlarkfn). Packages
		// of the older registry name starlark v0.4, whose StarlarkRun
		// configuration v0.5 still reads.
		{name: "starlark", tag: "v0.4", run: starlark, userCode: true},
		{name: "starlark", tag: "v0.5", run: starlark, userCode: true},

		// Ours, written to the catalog's documentation of these lines.
		{name: "set-labels", tag: "v0.1", run: fromFramework(setLabels)},
		{name: "set-labels", tag: "v0.2", run: fromFramework(setLabels)},
		{name: "set-annotations", tag: "v0.1", run: fromFramework(setAnnotations)},
		{name: "set-image", tag: "v0.1", run: fromFramework(setImage)},
		{name: "apply-setters", tag: "v0.2", run: fromFramework(applySetters)},
		{name: "upsert-resource", tag: "v0.2", run: fromFramework(upsertResource)},
		{name: "search-replace", tag: "v0.2", run: fromFramework(searchReplaceFn)},
		{name: "create-setters", tag: "v0.1", run: fromFramework(createSetters)},
		// v0.2 documents depends-on annotations following the renames; v0.1
		// leaves them.
		{name: "ensure-name-substring", tag: "v0.1", run: fromFramework(ensureNameSubstring(false))},
		{name: "ensure-name-substring", tag: "v0.2", run: fromFramework(ensureNameSubstring(true))},
	}
}
