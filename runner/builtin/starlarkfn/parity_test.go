package starlarkfn

import (
	"context"
	"testing"

	catalog "github.com/kptdev/krm-functions-catalog/functions/go/starlark/starlark"
	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Ordinary scripts give what the catalog's function gives, byte for byte:
// the same items, field order and results, for both kinds of
// functionConfig, the modules, and a script or configuration that fails.
func TestSameOutputAsCatalog(t *testing.T) {
	service := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # a comment\n  namespace: shop\n  annotations:\n    config.kubernetes.io/index: '0'\nspec:\n  ports:\n  - port: 80\n"
	configMap := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n" + data
	}
	cases := map[string]struct {
		config string
		items  []string
	}{
		"StarlarkRun with params": {config: `apiVersion: fn.kpt.dev/v1alpha1
kind: StarlarkRun
metadata:
  name: set-replicas
params:
  replicas: 7
source: |
  for r in ctx.resource_list["items"]:
    if r["kind"] == "Deployment":
      r["spec"]["replicas"] = ctx.resource_list["functionConfig"]["params"]["replicas"]
`, items: []string{deployment, service}},
		"ConfigMap with data.source and a parameter": {config: configMap(`  ns: team-a
  source: |
    for r in ctx.resource_list["items"]:
      r["metadata"]["namespace"] = ctx.resource_list["functionConfig"]["data"]["ns"]
`), items: []string{deployment, service}},
		"adds and removes items": {config: starlarkRunConfig(`items = [r for r in ctx.resource_list["items"] if r["kind"] != "Service"]
items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "new"}, "data": {"b": "2", "a": "1"}})
ctx.resource_list["items"] = items
`), items: []string{deployment, service}},
		"modules": {config: starlarkRunConfig(`load("encoding/json.star", "json")
load("encoding/yaml.star", "yaml")
load("encoding/base64.star", "base64")
load("re.star", "re")
load("krmfn.star", "krmfn")
for r in ctx.resource_list["items"]:
  if krmfn.match_gvk(r, "apps/v1", "Deployment") and krmfn.match_name(r, "web"):
    r["metadata"]["annotations"] = {
      "json": json.encode({"a": [1, 2]}),
      "yaml": yaml.dumps({"b": True}),
      "b64": base64.encode("hi"),
      "re": str(re.findall("[a-z]+", "ab1cd")),
    }
`), items: []string{deployment, service}},
		"set, while, recursion and reassignment": {config: starlarkRunConfig(`def fact(n):
  return 1 if n <= 1 else n * fact(n - 1)
n = 0
while n < 3:
  n += 1
n = fact(n) + len(set([1, 1, 2]))
ctx.resource_list["items"][0]["spec"]["replicas"] = n
`), items: []string{deployment}},
		"script fails": {config: starlarkRunConfig(`fail("no: " + ctx.resource_list["items"][0]["metadata"]["name"])`), items: []string{deployment}},
		"syntax error": {config: starlarkRunConfig("for x in\n"), items: []string{deployment}},
		"no source":    {config: configMap("  other: x\n"), items: []string{deployment}},
		"wrong kind":   {config: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n", items: []string{deployment}},
	}
	ours := func(rl *fn.ResourceList) (bool, error) {
		_, ok, err := Process(context.Background(), rl, Options{})
		return ok, err
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			in := resourceListYAML(tc.config, tc.items...)
			want, wantErr := fn.Run(fn.ResourceListProcessorFunc(catalog.Process), in)
			got, gotErr := fn.Run(fn.ResourceListProcessorFunc(ours), in)
			if string(got) != string(want) || (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("catalog (error %v):\n%s\nours (error %v):\n%s", wantErr, want, gotErr, got)
			}
		})
	}
}
