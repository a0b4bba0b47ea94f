package runner_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	runnerexec "github.com/porch-dev/porch/runner/exec"
)

const setLabelsInput = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: the-map
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: conf
  data:
    color: orange
`

// realEvaluators are the runner's evaluators as the binary wires them, with
// the exec test function built from runner/exec/testdata under an image per
// mode, a timeout of a second and an output limit of 1 MiB.
func realEvaluators(t *testing.T) []runner.Evaluator {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "echo"), "./exec/testdata/fn")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	c := runnerexec.Config{Functions: map[string]string{}}
	for _, mode := range []string{"echo", "sleep", "flood", "garbage"} {
		if mode != "echo" {
			if err := exec.Command("cp", filepath.Join(dir, "echo"), filepath.Join(dir, mode)).Run(); err != nil {
				t.Fatal(err)
			}
		}
		c.Functions["example.com/"+mode+":v1"] = filepath.Join(dir, mode)
	}
	return []runner.Evaluator{builtin.New(), runnerexec.New(c, runnerexec.WithTimeout(time.Second), runnerexec.WithMaxOutputBytes(1<<20))}
}

// The engine's view: cad.FunctionRunner through the real gRPC server, for
// a builtin and an exec function, and their failures.
func TestClientWithRealEvaluators(t *testing.T) {
	client, _ := serve(t, realEvaluators(t))
	ctx := context.Background()

	t.Run("builtin", func(t *testing.T) {
		out, _, err := client.Run(ctx, cad.Function{Image: "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2"}, []byte(setLabelsInput))
		if err != nil || !strings.Contains(string(out), "color: orange") || !strings.Contains(string(out), "labels:") {
			t.Fatalf("got %s, %v", out, err)
		}
	})
	t.Run("exec", func(t *testing.T) {
		out, log, err := client.Run(ctx, cad.Function{Image: "example.com/echo:v1"}, []byte(setLabelsInput))
		if err != nil || !strings.Contains(string(out), "message: echo ran") || string(log) != "echo ran\n" {
			t.Fatalf("got %s, %q, %v", out, log, err)
		}
	})
	t.Run("unknown image", func(t *testing.T) {
		_, _, err := client.Run(ctx, cad.Function{Image: "gcr.io/kpt-fn/set-labels:v9"}, []byte(setLabelsInput))
		if !errors.Is(err, runner.ErrNotFound) || !strings.Contains(err.Error(), "gcr.io/kpt-fn/set-labels:v9") {
			t.Fatalf("want a NotFound naming the image, got %v", err)
		}
	})
	t.Run("builtin failure", func(t *testing.T) {
		_, _, err := client.Run(ctx, cad.Function{Image: "gcr.io/kpt-fn/set-image:v0.1"}, []byte(setLabelsInput))
		if err == nil || !strings.Contains(err.Error(), `"gcr.io/kpt-fn/set-image:v0.1" failed`) {
			t.Fatalf("want a failure naming the image, got %v", err)
		}
	})
	t.Run("exec timeout", func(t *testing.T) {
		_, _, err := client.Run(ctx, cad.Function{Image: "example.com/sleep:v1"}, []byte(setLabelsInput))
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "example.com/sleep:v1") {
			t.Fatalf("want a timeout naming the image, got %v", err)
		}
	})
}
