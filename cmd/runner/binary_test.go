package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/porch-dev/porch/runner/evaluatorpb"
)

// The binary as deployed: built, started on a free port, healthy, running a
// builtin function, and stopped by SIGTERM.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "runner")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port, metricsPort := freePort(t), freePort(t)

	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--starlark-memory-limit", fmt.Sprint(128<<20),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", metricsPort))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})

	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Wait for the server: the health check waits for the connection.
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true))
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v, %v", resp, err)
	}
	out, err := evaluatorpb.NewFunctionEvaluatorClient(conn).EvaluateFunction(ctx, &evaluatorpb.EvaluateFunctionRequest{
		Image:        "gcr.io/kpt-fn/set-namespace:v0.4.1",
		ResourceList: []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    namespace: old\nfunctionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    namespace: new\n"),
	})
	if err != nil || !strings.Contains(string(out.GetResourceList()), "namespace: new") {
		t.Fatalf("set-namespace: %v, %v", out, err)
	}
	metrics := scrape(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort))
	for _, want := range []string{
		`porch_runner_evaluation_duration_seconds_count{function="gcr.io/kpt-fn/set-namespace:v0.4.1",result="success"} 1` + "\n",
		"go_goroutines ", "process_start_time_seconds ",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, metrics)
		}
	}

	// Starlark runs in a child of the binary: a script runs, and one that
	// asks for 512 MiB in one step is stopped at the child's limit, the
	// runner serving on.
	starlark := func(source string) (*evaluatorpb.EvaluateFunctionResponse, error) {
		return evaluatorpb.NewFunctionEvaluatorClient(conn).EvaluateFunction(ctx, &evaluatorpb.EvaluateFunctionRequest{
			Image: "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5",
			ResourceList: []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n" +
				"functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n  data:\n    source: " + source + "\n"),
		})
	}
	if _, err := starlark(`'s = "x" * (1 << 29)'`); status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "memory limit of 128 MiB") {
		t.Fatalf("want the memory limit, got %v", err)
	}
	out, err = starlark(`'ctx.resource_list["items"][0]["metadata"]["name"] = "b"'`)
	if err != nil || !strings.Contains(string(out.GetResourceList()), "name: b") {
		t.Fatalf("starlark after the limit was hit: %v, %v", out, err)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v", err)
		}
		done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after SIGINT")
	}
}

// freePort is a loopback port free a moment ago, for the binary to take.
func freePort(t *testing.T) int {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	return lis.Addr().(*net.TCPAddr).Port
}

// scrape reads the metrics page at url as a scraper would.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", url, resp.Status, err)
	}
	return string(body)
}
