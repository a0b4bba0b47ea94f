// Package starlarkfn is the runtime of the builtin starlark function
// (catalog image starlark, lines v0.4 and v0.5): it runs the script of a
// StarlarkRun, or of a ConfigMap's data.source, over a ResourceList, as the
// catalog's function does, but under limits fit for a process shared by
// many users: a step budget, cancellation with the caller's context, no
// network module, no process environment, and no interpreter state shared
// between runs, so that runs go in parallel.
//
// The script sees what the catalog's script sees: ctx.resource_list, a dict
// with items and functionConfig that the script changes in place;
// ctx.open_api, kyaml's OpenAPI schema; ctx.environment, here always an empty
// dict; and load() of the catalog's modules, http.star excepted.
package starlarkfn
