package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFlagDefaults(t *testing.T) {
	f := parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), nil)
	if f.port != 9445 || f.execTimeout != 30*time.Second || f.execMaxOutputBytes != 4<<20 || f.execConfig != "" {
		t.Fatalf("defaults: %+v", f)
	}
}

func TestBuildEvaluators(t *testing.T) {
	f := parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), nil)
	if e, err := buildEvaluators(f); err != nil || len(e) != 1 {
		t.Fatalf("without an exec config: %d evaluators, %v", len(e), err)
	}
	path := filepath.Join(t.TempDir(), "exec.yaml")
	if err := os.WriteFile(path, []byte("functions:\n  example.com/fn:v1: /bin/true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f = parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), []string{"--exec-config", path, "--port", "0"})
	if e, err := buildEvaluators(f); err != nil || len(e) != 2 {
		t.Fatalf("with an exec config: %d evaluators, %v", len(e), err)
	}
	f.execConfig = filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := buildEvaluators(f); err == nil {
		t.Fatal("want an error for a missing exec config")
	}
}
