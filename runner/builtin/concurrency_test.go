package builtin

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// The server calls builtins from many goroutines at once; under -race this
// shows they share no state.
func TestConcurrentEvaluations(t *testing.T) {
	e := New()
	calls := []struct{ image, config string }{
		{"gcr.io/kpt-fn/set-labels:v0.1", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  app: web\n"},
		{"gcr.io/kpt-fn/set-namespace:v0.4", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  namespace: web\n"},
		{"gcr.io/kpt-fn/apply-setters:v0.2", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  name: web\n"},
		{"gcr.io/kpt-fn/starlark:v0.5", "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata:\n  name: s\nsource: |\n  for r in ctx.resource_list[\"items\"]:\n    r[\"metadata\"][\"name\"] = \"web\"\n"},
	}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		c := calls[i%len(calls)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := resourceList(c.config, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old # kpt-set: ${name}\n  namespace: old\n")
			out, _, err := e.Evaluate(context.Background(), c.image, in)
			if err != nil || !strings.Contains(string(out), "web") {
				t.Errorf("%s: %v\n%s", c.image, err, out)
			}
		}()
	}
	wg.Wait()
}
