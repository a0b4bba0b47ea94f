package render

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
)

// waiting is a runner whose functions run until their context ends, as a
// function stuck in a loop but watching its context would; "quick" images
// return their input at once.
type waiting struct{}

func (waiting) Run(ctx context.Context, fn cad.Function, resourceList []byte) ([]byte, []byte, error) {
	if strings.HasPrefix(fn.Image, "example.com/quick") {
		return resourceList, nil, nil
	}
	<-ctx.Done()
	return nil, nil, ctx.Err()
}

func pipelineOf(images ...string) cad.Package {
	kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n"
	for _, image := range images {
		kptfile += "    - image: " + image + "\n"
	}
	return cad.Package{cad.KptfileName: kptfile, "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"}
}

// A function that does not end is stopped at its deadline: the render
// fails naming it and "deadline exceeded", in its error and in the
// function's results that the render status carries.
func TestFunctionTimeout(t *testing.T) {
	pkg := pipelineOf("example.com/quick:v1", "example.com/hang:v1")
	out, result, err := Render(context.Background(), pkg, waiting{}, Options{FunctionTimeout: 100 * time.Millisecond})
	want := `function "example.com/hang:v1" stopped: deadline exceeded (the function timeout is 100ms)`
	var timeout *TimeoutError
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &timeout) || timeout.Limit != "function" {
		t.Fatalf("want an error saying %q, got %v", want, err)
	}
	if out["cm.yaml"] != pkg["cm.yaml"] {
		t.Error("a failed render changed the package")
	}
	status := ToRenderStatus(result, err)
	if !strings.Contains(status.Err, want) || len(status.Result.Items) != 2 {
		t.Fatalf("render status: %+v", status)
	}
	hung := status.Result.Items[1]
	if hung.Image != "example.com/hang:v1" || hung.ExitCode != 1 || len(hung.Results) != 1 || !strings.Contains(hung.Results[0].Message, "deadline exceeded") {
		t.Fatalf("want the function's result to say deadline exceeded, got %+v", hung)
	}
}

// The whole pipeline has a deadline of its own, which the error names; no
// function starts after it.
func TestPipelineTimeout(t *testing.T) {
	pkg := pipelineOf("example.com/hang:v1", "example.com/quick:v1")
	_, result, err := Render(context.Background(), pkg, waiting{}, Options{FunctionTimeout: time.Hour, PipelineTimeout: 100 * time.Millisecond})
	want := `function "example.com/hang:v1" stopped: deadline exceeded (the pipeline timeout is 100ms)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want an error saying %q, got %v", want, err)
	}
	if len(result.Items) != 1 {
		t.Fatalf("a function ran after the pipeline's deadline: %+v", result.Items)
	}
}

// A render its caller stops (a manager shutting down) says so, not that
// a deadline ran out.
func TestRenderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := Render(ctx, pipelineOf("example.com/hang:v1"), waiting{}, Options{FunctionTimeout: time.Hour})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), `function "example.com/hang:v1" stopped: context canceled`) {
		t.Fatalf("want the function stopped by the cancel, got %v", err)
	}
}
