package isolation_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/isolation"
)

// BenchmarkChildRun measures one trivial starlark run in a child process,
// what every isolated starlark call pays: starting the binary, limiting
// it, and the round trip of its input and output; of the binary built to
// be the child (cmd/isolated-function), and of the manager's, which is the
// child when the other is not installed beside it. BenchmarkInProcessRun
// is the same script on the caller's goroutine, the share that is the
// script's own.
func BenchmarkChildRun(b *testing.B) {
	dir := b.TempDir()
	in := script("for r in ctx.resource_list[\"items\"]:\n  r[\"metadata\"][\"labels\"] = {\"a\": \"b\"}")
	for _, binary := range []string{"isolated-function", "manager"} {
		b.Run(binary, func(b *testing.B) {
			exe := filepath.Join(dir, binary)
			if out, err := exec.Command("go", "build", "-o", exe, "github.com/porch-dev/porch/cmd/"+binary).CombinedOutput(); err != nil {
				b.Fatalf("go build: %v\n%s", err, out)
			}
			r := isolation.New(exe, isolation.Options{})
			for b.Loop() {
				if _, _, err := r.Evaluate(context.Background(), image, in); err != nil {
					b.Fatal(err)
				}
			}
		})
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
