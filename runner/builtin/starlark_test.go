package builtin

import (
	"context"
	"strings"
	"testing"
)

// A starlark script that never ends fails with the step budget, both
// ways the builtin runs, and the error names the function.
func TestStarlarkBudget(t *testing.T) {
	runCases(t, []fnCase{{
		name:           "endless loop",
		image:          "gcr.io/kpt-fn/starlark:v0.4.3",
		functionConfig: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loop\ndata:\n  source: |\n    while True: pass\n",
		in:             []string{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
		wantErr:        `function "gcr.io/kpt-fn/starlark:v0.4.3" failed: starlark: too many steps (budget 1000)`,
	}}, WithStarlarkMaxSteps(1000))
}

// What a script prints is the function's log, as a container's stderr
// would be.
func TestStarlarkPrintIsLogged(t *testing.T) {
	image := "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"
	in := resourceList("apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata:\n  name: p\nsource: |\n  print('items:', len(ctx.resource_list['items']))\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
	e := New()
	_, log, err := e.Evaluate(context.Background(), image, in)
	if err != nil || string(log) != "items: 1\n" {
		t.Fatalf("Evaluate: log %q, %v", log, err)
	}
	rl := parsed(t, in)
	log, err = e.EvaluateNodes(context.Background(), image, &rl)
	if err != nil || !strings.Contains(string(log), "items: 1") {
		t.Fatalf("EvaluateNodes: log %q, %v", log, err)
	}
}
