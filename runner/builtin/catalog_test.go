package builtin

import (
	"context"
	"strings"
	"testing"
)

// The catalog's own functions, run through the adapter, on examples of
// their documentation.
func TestCatalogFunctions(t *testing.T) {
	deployment := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: old
spec:
  replicas: 3
`
	runCases(t, []fnCase{{
		name:           "set-namespace",
		image:          "ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.5",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  namespace: example-ns\n",
		in:             []string{deployment},
		want: []string{`apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: example-ns
spec:
  replicas: 3
`},
	}, {
		name:  "apply-replacements",
		image: "gcr.io/kpt-fn/apply-replacements:v0.1.1",
		functionConfig: `apiVersion: fn.kpt.dev/v1alpha1
kind: ApplyReplacements
metadata:
  name: replacements
replacements:
- source:
    kind: ConfigMap
    name: source
    fieldPath: data.replicas
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.replicas
`,
		in: []string{deployment, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: source\ndata:\n  replicas: \"5\"\n"},
		want: []string{`apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: old
spec:
  replicas: 5
`, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: source\ndata:\n  replicas: \"5\"\n"},
	}, {
		name:  "starlark",
		image: "gcr.io/kpt-fn/starlark:v0.4.3",
		functionConfig: `apiVersion: fn.kpt.dev/v1alpha1
kind: StarlarkRun
metadata:
  name: set-replicas
params:
  replicas: 7
source: |
  for r in ctx.resource_list["items"]:
    if r["kind"] == "Deployment":
      r["spec"]["replicas"] = ctx.resource_list["functionConfig"]["params"]["replicas"]
`,
		in: []string{deployment},
		want: []string{`apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: old
spec:
  replicas: 7
`},
	}})
}

// A function that reports an error result but succeeds, as the catalog's
// set-namespace does for a bad functionConfig, is not a runner failure: the
// container would exit 0 too, and the engine reads the results.
func TestErrorResultIsOutput(t *testing.T) {
	image := "ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4"
	in := resourceList("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n  other: x\n",
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n")
	out, _, err := New().Evaluate(context.Background(), image, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "severity: error") || !strings.Contains(string(out), "data.namespace") {
		t.Fatalf("want an error result about data.namespace, got:\n%s", out)
	}
}
