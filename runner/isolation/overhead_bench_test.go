package isolation_test

import (
	"context"
	"os"
	"testing"

	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/isolation"
)

// BenchmarkChildRun measures one trivial starlark run in a child process,
// what every isolated starlark call pays: starting the binary (here the
// test binary; the manager's is larger), limiting it, and the round trip
// of its input and output. BenchmarkInProcessRun is the same script on the
// caller's goroutine, the share that is the script's own.
func BenchmarkChildRun(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	r := isolation.New(exe, isolation.Options{})
	in := script("for r in ctx.resource_list[\"items\"]:\n  r[\"metadata\"][\"labels\"] = {\"a\": \"b\"}")
	for b.Loop() {
		if _, _, err := r.Evaluate(context.Background(), image, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInProcessRun(b *testing.B) {
	in := script("for r in ctx.resource_list[\"items\"]:\n  r[\"metadata\"][\"labels\"] = {\"a\": \"b\"}")
	e := builtin.New()
	for b.Loop() {
		if _, _, err := e.Evaluate(context.Background(), image, in); err != nil {
			b.Fatal(err)
		}
	}
}
