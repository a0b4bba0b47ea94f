package starlarkfn

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// starlarkRun is a StarlarkRun functionConfig with source as its script.
func starlarkRunConfig(source string) string {
	var b strings.Builder
	b.WriteString("apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata:\n  name: test\nsource: |\n")
	for _, line := range strings.Split(strings.TrimRight(source, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// resourceListYAML wraps a functionConfig and items into a ResourceList.
func resourceListYAML(functionConfig string, items ...string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, it := range items {
		for i, line := range strings.Split(strings.TrimRight(it, "\n"), "\n") {
			if i == 0 {
				b.WriteString("- " + line + "\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	b.WriteString("functionConfig:\n")
	for _, line := range strings.Split(strings.TrimRight(functionConfig, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	return []byte(b.String())
}

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"

// run runs source over one Deployment with Process and returns the
// ResourceList after it, the log and Process's error. ok false with no
// error is reported as an error naming the result.
func run(t *testing.T, ctx context.Context, source string, o Options) (*fn.ResourceList, []byte, error) {
	t.Helper()
	rl, err := fn.ParseResourceList(resourceListYAML(starlarkRunConfig(source), deployment))
	if err != nil {
		t.Fatal(err)
	}
	log, ok, err := Process(ctx, rl, o)
	if err == nil && !ok {
		return rl, log, &scriptError{rl.Results[0].Message}
	}
	return rl, log, err
}

type scriptError struct{ msg string }

func (e *scriptError) Error() string { return e.msg }

// signalWriter closes signal on its first write.
type signalWriter struct {
	signal chan struct{}
	once   sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { close(w.signal) })
	return len(p), nil
}
