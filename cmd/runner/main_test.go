package main

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFlagDefaults(t *testing.T) {
	f := parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), nil)
	if f.port != 9445 || f.metricsAddr != ":9446" || f.execTimeout != 30*time.Second || f.execMaxOutputBytes != 4<<20 || f.execConfig != "" ||
		f.functionTimeout != 30*time.Second || f.starlark != (starlarkFlags{maxSteps: 100_000_000, memoryBytes: 256 << 20, processes: 2}) {
		t.Fatalf("defaults: %+v", f)
	}
	p := f.pods
	if p.namespace != "" || p.ttl != 30*time.Minute || p.readyTimeout != 2*time.Minute || p.maxPerFunction != 2 || p.scanInterval != time.Minute || p.wrapperImage != "" {
		t.Fatalf("pod defaults: %+v", p)
	}
	if p.maxPods != 20 || !slices.Equal(p.prefixes(), []string{"ghcr.io/kptdev/krm-functions-catalog/", "gcr.io/kpt-fn/"}) {
		t.Fatalf("pod bounds: %d pods, images under %q", p.maxPods, p.prefixes())
	}
	if lis, err := listenMetrics("0"); lis != nil || err != nil {
		t.Fatalf("--metrics-bind-address=0 listened: %v, %v", lis, err)
	}
	f = parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), []string{"--pod-image-prefixes", " example.com/fns/ ,, *", "--max-pods", "3"})
	if f.pods.maxPods != 3 || !slices.Equal(f.pods.prefixes(), []string{"example.com/fns/", "*"}) {
		t.Fatalf("pod bounds: %d pods, images under %q", f.pods.maxPods, f.pods.prefixes())
	}
}

func TestBuildEvaluators(t *testing.T) {
	f := parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), nil)
	if e, pods, err := buildEvaluators(f); err != nil || len(e) != 1 || pods != nil {
		t.Fatalf("without an exec config: %d evaluators, %v", len(e), err)
	}
	path := filepath.Join(t.TempDir(), "exec.yaml")
	if err := os.WriteFile(path, []byte("functions:\n  example.com/fn:v1: /bin/true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f = parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), []string{"--exec-config", path, "--port", "0"})
	if e, _, err := buildEvaluators(f); err != nil || len(e) != 2 {
		t.Fatalf("with an exec config: %d evaluators, %v", len(e), err)
	}
	f.execConfig = filepath.Join(t.TempDir(), "missing.yaml")
	if _, _, err := buildEvaluators(f); err == nil {
		t.Fatal("want an error for a missing exec config")
	}
}

// The pod evaluator comes last, as it knows every image. Building it
// reads the kubeconfig but does not reach the cluster: that is Start's.
func TestBuildPodEvaluator(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
	exec := filepath.Join(t.TempDir(), "exec.yaml")
	if err := os.WriteFile(exec, []byte("functions:\n  example.com/fn:v1: /bin/true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--exec-config", exec, "--pod-namespace", "fns", "--wrapper-server-image", "runner:v1"}
	e, pods, err := buildEvaluators(parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), args))
	if err != nil || len(e) != 3 || pods == nil || e[2] != pods {
		t.Fatalf("want builtin, exec, pod: %v, %v", e, err)
	}
	if _, err := newRegistry(pods); err != nil {
		t.Fatalf("registering the pod evaluator's metrics beside the runner's: %v", err)
	}

	f := parseFlags(flag.NewFlagSet("runner", flag.ContinueOnError), []string{"--pod-namespace", "fns"})
	if _, _, err := buildEvaluators(f); err == nil || !strings.Contains(err.Error(), "wrapper server image") {
		t.Fatalf("want an error for a missing wrapper server image, got %v", err)
	}
	f.pods.wrapperImage, f.pods.imagePrefixes = "runner:v1", "example.com/fns/,*"
	if _, _, err := buildEvaluators(f); err == nil || !strings.Contains(err.Error(), "--pod-image-prefixes") {
		t.Fatalf("want an error naming --pod-image-prefixes for * beside a prefix, got %v", err)
	}
	f.pods.imagePrefixes = "example.com/fns/"
	f.pods.template = filepath.Join(t.TempDir(), "missing.yaml")
	if _, _, err := buildEvaluators(f); err == nil || !strings.Contains(err.Error(), f.pods.template) {
		t.Fatalf("want an error naming the missing template, got %v", err)
	}
}
