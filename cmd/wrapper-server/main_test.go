package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
)

const input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"

// start serves the command given after "--" in args on a loopback port, as
// the binary would, and returns a client of it.
func start(t *testing.T, args ...string) *runner.Client {
	t.Helper()
	f, err := parseFlags(flag.NewFlagSet("wrapper-server", flag.ContinueOnError), args)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, f, lis) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	c, err := runner.NewClient(lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.WaitServing(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestServesTheCommand(t *testing.T) {
	c := start(t, "--", "/bin/sh", "-c", "cat; echo ran >&2")
	// The wrapper runs its command whatever the image is called.
	for _, image := range []string{"example.com/fn:v1", "other.example.com/fn:v2"} {
		out, log, err := c.Run(context.Background(), cad.Function{Image: image}, []byte(input))
		if err != nil || string(out) != input || string(log) != "ran\n" {
			t.Fatalf("%s: got %q, %q, %v", image, out, log, err)
		}
	}
}

func TestFailureCarriesStderr(t *testing.T) {
	c := start(t, "--", "/bin/sh", "-c", "echo no widgets >&2; exit 3")
	_, log, err := c.Run(context.Background(), cad.Function{Image: "example.com/fn:v1"}, []byte(input))
	if err == nil || !strings.Contains(err.Error(), `"example.com/fn:v1" failed`) || !strings.Contains(err.Error(), "no widgets") {
		t.Fatalf("want a failure naming the image with its stderr, got %v", err)
	}
	if string(log) != "no widgets\n" {
		t.Fatalf("log: %q", log)
	}
}

func TestTimeout(t *testing.T) {
	c := start(t, "--timeout", "300ms", "--", "/bin/sh", "-c", "sleep 10")
	began := time.Now()
	_, _, err := c.Run(context.Background(), cad.Function{Image: "example.com/slow:v1"}, []byte(input))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "example.com/slow:v1") {
		t.Fatalf("want a timeout naming the image, got %v", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Fatalf("stopped after %s", d)
	}
}

func TestFlags(t *testing.T) {
	f, err := parseFlags(flag.NewFlagSet("w", flag.ContinueOnError), []string{"--", "/fn", "--port", "1"})
	if err != nil || f.port != runner.WrapperServerPort || strings.Join(f.command, " ") != "/fn --port 1" {
		t.Fatalf("the function's own flags must be its own: %+v, %v", f, err)
	}
	if _, err := parseFlags(flag.NewFlagSet("w", flag.ContinueOnError), nil); err == nil || !strings.Contains(err.Error(), "--") {
		t.Fatalf("want an error for a missing command, got %v", err)
	}
}

// --install copies the running binary, as the pod's init container does.
func TestInstall(t *testing.T) {
	dir := t.TempDir()
	if err := run(flags{install: dir}); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, installName))
	if err != nil || info.Mode()&0o111 == 0 || info.Size() == 0 {
		t.Fatalf("installed binary: %v, %v", info, err)
	}
}
