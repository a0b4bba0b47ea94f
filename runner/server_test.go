package runner_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/evaluatorpb"
)

// fake answers for one image with fixed output, or a failure, or a panic.
type fake struct {
	image     string
	out, log  string
	err       error
	panicWith any
}

func (f fake) Evaluate(_ context.Context, image string, _ []byte) ([]byte, []byte, error) {
	if image != f.image {
		return nil, nil, &runner.NotFoundError{Image: image}
	}
	if f.panicWith != nil {
		panic(f.panicWith)
	}
	return []byte(f.out), []byte(f.log), f.err
}

// serve starts a real server on a loopback port and returns a client of it.
func serve(t *testing.T, evaluators []runner.Evaluator, opts ...runner.Option) (*runner.Client, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := runner.NewServer(evaluators, opts...)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	// The client keeps the default limit, so that the server's is the one tested.
	c, err := runner.NewClient(lis.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, lis.Addr().String()
}

func testEvaluators() []runner.Evaluator {
	return []runner.Evaluator{
		fake{image: "first:v1", out: "from first"},
		fake{image: "second:v1", out: "from second", log: "a log line"},
		fake{image: "fails:v1", out: "partial output", log: "why", err: errors.New(`function "fails:v1" failed: bad input`)},
		fake{image: "panics:v1", panicWith: "boom"},
	}
}

// Both runners must give the same answers: the engine cannot tell them apart.
func runners(t *testing.T) map[string]cad.FunctionRunner {
	c, _ := serve(t, testEvaluators())
	return map[string]cad.FunctionRunner{
		"client":    c,
		"inprocess": runner.NewInProcess(testEvaluators()...),
	}
}

func TestRunnersFallThroughNotFound(t *testing.T) {
	for name, r := range runners(t) {
		t.Run(name, func(t *testing.T) {
			out, log, err := r.Run(context.Background(), cad.Function{Image: "second:v1"}, []byte("in"))
			if err != nil || string(out) != "from second" || string(log) != "a log line" {
				t.Fatalf("got %q, %q, %v", out, log, err)
			}
		})
	}
}

func TestRunnersUnknownImage(t *testing.T) {
	for name, r := range runners(t) {
		t.Run(name, func(t *testing.T) {
			_, _, err := r.Run(context.Background(), cad.Function{Image: "nobody:v9"}, []byte("in"))
			if !errors.Is(err, runner.ErrNotFound) || !strings.Contains(err.Error(), `"nobody:v9"`) {
				t.Fatalf("want a NotFound naming the image, got %v", err)
			}
		})
	}
}

func TestRunnersFailureKeepsOutput(t *testing.T) {
	for name, r := range runners(t) {
		t.Run(name, func(t *testing.T) {
			out, log, err := r.Run(context.Background(), cad.Function{Image: "fails:v1"}, []byte("in"))
			if err == nil || !strings.Contains(err.Error(), "bad input") {
				t.Fatalf("want the function's error, got %v", err)
			}
			if string(out) != "partial output" || string(log) != "why" {
				t.Fatalf("want the output and log of the failed function, got %q, %q", out, log)
			}
		})
	}
}

func TestRunnersSurvivePanic(t *testing.T) {
	for name, r := range runners(t) {
		t.Run(name, func(t *testing.T) {
			_, _, err := r.Run(context.Background(), cad.Function{Image: "panics:v1"}, nil)
			if err == nil || !strings.Contains(err.Error(), `"panics:v1"`) || !strings.Contains(err.Error(), "boom") {
				t.Fatalf("want an error naming the image and the panic, got %v", err)
			}
			// Still serving.
			if _, _, err := r.Run(context.Background(), cad.Function{Image: "first:v1"}, nil); err != nil {
				t.Fatalf("after a panic: %v", err)
			}
		})
	}
}

func TestRunnersRefuseExecOnlyFunction(t *testing.T) {
	for name, r := range runners(t) {
		t.Run(name, func(t *testing.T) {
			_, _, err := r.Run(context.Background(), cad.Function{Exec: "./fn"}, nil)
			if err == nil || !strings.Contains(err.Error(), "./fn") {
				t.Fatalf("want an error naming the executable, got %v", err)
			}
		})
	}
}

// An upstream client sees the codes it expects: NotFound, Internal for a
// panic, and the health service answering SERVING.
func TestServerStatusCodesAndHealth(t *testing.T) {
	_, addr := serve(t, testEvaluators())
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := evaluatorpb.NewFunctionEvaluatorClient(conn)
	ctx := context.Background()
	for image, want := range map[string]codes.Code{"nobody:v9": codes.NotFound, "panics:v1": codes.Internal, "fails:v1": codes.Unknown} {
		_, err := client.EvaluateFunction(ctx, &evaluatorpb.EvaluateFunctionRequest{Image: image})
		if got := status.Code(err); got != want {
			t.Errorf("%s: code %v, want %v (%v)", image, got, want, err)
		}
	}
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "evaluator.FunctionEvaluator"})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health: %v, %v", resp, err)
	}
}

func TestServerMessageSizeLimit(t *testing.T) {
	c, _ := serve(t, testEvaluators(), runner.WithMaxMessageBytes(1024))
	_, _, err := c.Run(context.Background(), cad.Function{Image: "first:v1"}, make([]byte, 4096))
	if !errors.Is(err, runner.ErrTooLarge) || !strings.Contains(err.Error(), "larger than max") {
		t.Fatalf("want a size error, got %v", err)
	}
}

// A client of a runner that is not there says so with ErrUnavailable, so
// that a caller knows the function did not run; WaitServing waits for a
// runner, and gives up when its context ends.
func TestClientUnavailableAndWaitServing(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	_ = lis.Close()
	c, err := runner.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, _, err := c.Run(context.Background(), cad.Function{Image: "first:v1"}, nil); !errors.Is(err, runner.ErrUnavailable) {
		t.Fatalf("want ErrUnavailable, got %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := c.WaitServing(ctx); err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("want a health check error naming %s, got %v", addr, err)
	}

	served, _ := serve(t, testEvaluators())
	if err := served.WaitServing(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A short image is looked up under the server's default prefix; one with a
// registry or path, or a server without a prefix, is looked up as asked.
func TestServerResolvesShortImages(t *testing.T) {
	evaluators := []runner.Evaluator{fake{image: "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0", out: "labelled"}}
	c, _ := serve(t, evaluators, runner.WithDefaultImagePrefix(cad.DefaultImagePrefix))
	out, _, err := c.Run(context.Background(), cad.Function{Image: "set-labels:v0.2.0"}, nil)
	if err != nil || string(out) != "labelled" {
		t.Fatalf("short image: %q, %v", out, err)
	}
	if _, _, err := c.Run(context.Background(), cad.Function{Image: "example.com/set-labels:v0.2.0"}, nil); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("an image with a registry was resolved: %v", err)
	}
	plain, _ := serve(t, evaluators)
	if _, _, err := plain.Run(context.Background(), cad.Function{Image: "set-labels:v0.2.0"}, nil); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("a server without a prefix resolved a short image: %v", err)
	}
}
