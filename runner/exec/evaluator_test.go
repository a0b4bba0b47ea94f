package exec

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/runner"
)

const input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"

// buildFunctions builds testdata/fn once and links it under each mode's
// name, returning a config with the image example.com/<mode>:v1 for each.
func buildFunctions(t *testing.T) Config {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "fn")
	cmd := exec.Command("go", "build", "-o", bin, "./testdata/fn")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	c := Config{Functions: map[string]string{}}
	for _, mode := range []string{"echo", "fail", "sleep", "flood", "garbage"} {
		if err := os.Link(bin, filepath.Join(dir, mode)); err != nil {
			t.Fatal(err)
		}
		c.Functions["example.com/"+mode+":v1"] = filepath.Join(dir, mode)
	}
	return c
}

func TestEvaluate(t *testing.T) {
	e := New(buildFunctions(t), WithTimeout(2*time.Second), WithMaxOutputBytes(1<<20))
	ctx := context.Background()

	t.Run("success", func(t *testing.T) {
		out, log, err := e.Evaluate(ctx, "example.com/echo:v1", []byte(input))
		if err != nil || !strings.Contains(string(out), "message: echo ran") || string(log) != "echo ran\n" {
			t.Fatalf("got %q, %q, %v", out, log, err)
		}
	})
	t.Run("unknown image", func(t *testing.T) {
		_, _, err := e.Evaluate(ctx, "example.com/nobody:v1", []byte(input))
		if !errors.Is(err, runner.ErrNotFound) || !strings.Contains(err.Error(), "example.com/nobody:v1") {
			t.Fatalf("want a NotFound naming the image, got %v", err)
		}
	})
	t.Run("failure keeps output and log", func(t *testing.T) {
		out, log, err := e.Evaluate(ctx, "example.com/fail:v1", []byte(input))
		if err == nil || !strings.Contains(err.Error(), `"example.com/fail:v1" failed`) || !strings.Contains(err.Error(), "no widgets") {
			t.Fatalf("want a failure naming the image and the reason, got %v", err)
		}
		if string(out) != input || !strings.Contains(string(log), "no widgets") {
			t.Fatalf("got %q, %q", out, log)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		_, _, err := e.Evaluate(ctx, "example.com/sleep:v1", []byte(input))
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "example.com/sleep:v1") {
			t.Fatalf("want a timeout naming the image, got %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("stopped after %s", d)
		}
	})
	t.Run("output over the limit", func(t *testing.T) {
		_, _, err := e.Evaluate(ctx, "example.com/flood:v1", []byte(input))
		if !errors.Is(err, runner.ErrTooLarge) || !strings.Contains(err.Error(), "example.com/flood:v1") {
			t.Fatalf("want a size error naming the image, got %v", err)
		}
	})
	t.Run("invalid output", func(t *testing.T) {
		_, _, err := e.Evaluate(ctx, "example.com/garbage:v1", []byte(input))
		if err == nil || !strings.Contains(err.Error(), `"example.com/garbage:v1" wrote invalid output`) {
			t.Fatalf("want an invalid output error naming the image, got %v", err)
		}
	})
	t.Run("still runs after all that", func(t *testing.T) {
		if _, _, err := e.Evaluate(ctx, "example.com/echo:v1", []byte(input)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "exec.yaml")
	if err := os.WriteFile(path, []byte("functions:\n  example.com/a:v1: bin/a\n  example.com/b:v1: /abs/b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Functions["example.com/a:v1"]; got != filepath.Join(dir, "bin/a") {
		t.Errorf("relative path: got %q", got)
	}
	if got := c.Functions["example.com/b:v1"]; got != "/abs/b" {
		t.Errorf("absolute path: got %q", got)
	}
	if err := os.WriteFile(path, []byte("function:\n  x: y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), "function") {
		t.Errorf("want an error for an unknown field, got %v", err)
	}
}

// NewCommand runs its command, arguments included, for any image, with the
// checks of New.
func TestNewCommand(t *testing.T) {
	ctx := context.Background()
	e := NewCommand([]string{"/bin/sh", "-c", "cat; echo ran >&2"}, WithTimeout(2*time.Second))
	for _, image := range []string{"example.com/a:v1", "example.com/b:v2"} {
		out, log, err := e.Evaluate(ctx, image, []byte(input))
		if err != nil || string(out) != input || string(log) != "ran\n" {
			t.Fatalf("%s: got %q, %q, %v", image, out, log, err)
		}
	}
	fail := NewCommand([]string{"/bin/sh", "-c", "echo no widgets >&2; exit 3"})
	if _, _, err := fail.Evaluate(ctx, "example.com/a:v1", []byte(input)); err == nil || !strings.Contains(err.Error(), `"example.com/a:v1" failed`) || !strings.Contains(err.Error(), "no widgets") {
		t.Fatalf("want a failure naming the image and the reason, got %v", err)
	}
}
