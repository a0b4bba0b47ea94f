package runner_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

// deaf is a function that ignores its context: it returns only when
// release is closed, as a builtin's Go code stuck in a loop would.
type deaf struct{ release chan struct{} }

func (d deaf) Evaluate(_ context.Context, image string, _ []byte) ([]byte, []byte, error) {
	if image != "deaf:v1" {
		return nil, nil, &runner.NotFoundError{Image: image}
	}
	<-d.release
	return []byte("late"), nil, nil
}

func newDeaf(t *testing.T) deaf {
	d := deaf{release: make(chan struct{})}
	t.Cleanup(func() { close(d.release) })
	return d
}

const endlessStarlark = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
functionConfig:
  apiVersion: fn.kpt.dev/v1alpha1
  kind: StarlarkRun
  metadata:
    name: endless
  source: |
    while True: pass
`

// The attack: a function that never returns. The in-process runner (both
// ways) and the server return when their context ends, with an error
// naming the function and saying why; the caller, a worker of the
// manager, is free again.
func TestRunnersReturnWhenContextEnds(t *testing.T) {
	d := newDeaf(t)
	client, _ := serve(t, []runner.Evaluator{d})
	inProcess := runner.NewInProcess(d)
	for name, r := range map[string]cad.FunctionRunner{"client": client, "inprocess": inProcess} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, _, err := r.Run(ctx, cad.Function{Image: "deaf:v1"}, []byte("in"))
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "deadline exceeded") {
				t.Fatalf("want deadline exceeded, got %v", err)
			}
		})
	}
}

// The server bounds each call by its own timeout, whatever the client
// asked for.
func TestServerCallTimeout(t *testing.T) {
	client, _ := serve(t, []runner.Evaluator{newDeaf(t)}, runner.WithCallTimeout(200*time.Millisecond))
	_, _, err := client.Run(context.Background(), cad.Function{Image: "deaf:v1"}, []byte("in"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), `"deaf:v1"`) {
		t.Fatalf("want deadline exceeded naming the function, got %v", err)
	}
}

// What lets the manager stop within its grace period: a never-ending
// starlark script through the in-process runner, its context cancelled as
// the manager's is on SIGTERM, returns within a second, on parsed
// resources as on YAML.
func TestEndlessStarlarkReturnsOnCancel(t *testing.T) {
	r := runner.NewInProcess(builtin.New(builtin.WithStarlarkMaxSteps(math.MaxUint64)))
	fn := cad.Function{Image: "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"}
	calls := map[string]func(ctx context.Context) error{
		"yaml": func(ctx context.Context) error {
			_, _, err := r.Run(ctx, fn, []byte(endlessStarlark))
			return err
		},
		"nodes": func(ctx context.Context) error {
			rl := parseResourceList(t, endlessStarlark)
			_, _, handled, err := r.RunNodes(ctx, fn, rl)
			if !handled {
				t.Fatal("the builtin did not take parsed resources")
			}
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The script is well into its loop when the cancel comes.
			cancelled := make(chan time.Time, 1)
			time.AfterFunc(300*time.Millisecond, func() {
				cancelled <- time.Now()
				cancel()
			})
			err := call(ctx)
			returned := time.Now()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("want the call cancelled, got %v", err)
			}
			if late := returned.Sub(<-cancelled); late > time.Second {
				t.Fatalf("returned %s after the cancel", late)
			}
		})
	}
}

// parseResourceList reads a ResourceList as the engine hands it over.
func parseResourceList(t *testing.T, s string) cad.ResourceList {
	t.Helper()
	r := &kio.ByteReader{Reader: strings.NewReader(s), OmitReaderAnnotations: true}
	items, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	return cad.ResourceList{Items: items, FunctionConfig: r.FunctionConfig}
}
