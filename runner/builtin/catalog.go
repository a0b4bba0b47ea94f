package builtin

import (
	"github.com/kptdev/krm-functions-catalog/functions/go/apply-replacements/replacements"
	setnamespace "github.com/kptdev/krm-functions-catalog/functions/go/set-namespace/transformer"
	"github.com/kptdev/krm-functions-catalog/functions/go/starlark/starlark"
)

// starlarkFn runs one script at a time: the catalog's starlark sets the
// interpreter's global options on every run, a data race between
// concurrent calls.
var starlarkFn = serialized(fromSDK(starlark.Process))

// catalog lists the builtin functions by catalog name and tag prefix. A tag
// prefix stands for every release of that line, so only lines whose
// behaviour the code here matches are listed.
var catalog = []struct {
	name, tag string
	run       Func
}{
	// The catalog's own code.
	{"set-namespace", "v0.4", fromSDK(setnamespace.Run)},
	{"apply-replacements", "v0.1", fromSDK(replacements.ApplyReplacements)},
	// Packages of the older registry name starlark v0.4, whose
	// StarlarkRun configuration v0.5 still reads.
	{"starlark", "v0.4", starlarkFn},
	{"starlark", "v0.5", starlarkFn},

	// Ours, written to the catalog's documentation of these lines.
	{"set-labels", "v0.1", fromFramework(setLabels)},
	{"set-labels", "v0.2", fromFramework(setLabels)},
	{"set-annotations", "v0.1", fromFramework(setAnnotations)},
	{"set-image", "v0.1", fromFramework(setImage)},
	{"apply-setters", "v0.2", fromFramework(applySetters)},
	{"upsert-resource", "v0.2", fromFramework(upsertResource)},
	{"search-replace", "v0.2", fromFramework(searchReplaceFn)},
	{"create-setters", "v0.1", fromFramework(createSetters)},
	// v0.2 documents depends-on annotations following the renames; v0.1
	// leaves them.
	{"ensure-name-substring", "v0.1", fromFramework(ensureNameSubstring(false))},
	{"ensure-name-substring", "v0.2", fromFramework(ensureNameSubstring(true))},
}
