package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// call runs fn over input through runner, within opts' function timeout,
// and returns the resources the function wrote and kpt's record of the run.
// On failure the record still holds the exit code, stderr and whatever
// results the function reported; a function stopped by a deadline fails
// with a TimeoutError.
func call(ctx context.Context, runner cad.FunctionRunner, fn kptfilev1.Function, input []*yaml.RNode, config *yaml.RNode, opts Options) ([]*yaml.RNode, fnresultv1.Result, error) {
	ctx, cancel := withTimeout(ctx, opts.FunctionTimeout, "function")
	defer cancel()
	record := fnresultv1.Result{Image: fn.Image, ExecPath: fn.Exec}
	// The runner is asked for the image resolved; the record keeps it as
	// written, as kpt prints it.
	run := cad.Function{Image: cad.ResolveImage(fn.Image, opts.DefaultImagePrefix), Exec: fn.Exec}
	if nr, ok := runner.(cad.NodeRunner); ok {
		out, log, handled, err := nr.RunNodes(ctx, run, cad.ResourceList{Items: input, FunctionConfig: config})
		if handled {
			return nodesOutput(ctx, fn, record, out, log, err)
		}
	}
	var in bytes.Buffer
	err := kio.ByteWriter{
		Writer:                &in,
		KeepReaderAnnotations: true,
		WrappingAPIVersion:    "config.kubernetes.io/v1",
		WrappingKind:          kio.ResourceListKind,
		FunctionConfig:        config,
	}.Write(input)
	if err != nil {
		return nil, record, fmt.Errorf("function %q: encoding its input: %w", fnName(fn), err)
	}
	out, log, runErr := runner.Run(ctx, run, in.Bytes())
	record.Stderr = string(log)
	items, results, parseErr := parseOutput(out)
	record.Results = results
	if runErr != nil {
		record.ExitCode = exitCode(runErr)
		if cause := stopped(ctx, &record, runErr); cause != nil {
			return nil, record, fmt.Errorf("function %q stopped: %w", fnName(fn), cause)
		}
		return nil, record, fmt.Errorf("function %q failed: %w", fnName(fn), runErr)
	}
	if parseErr != nil {
		record.ExitCode = 1
		return nil, record, fmt.Errorf("function %q wrote an invalid ResourceList: %w", fnName(fn), parseErr)
	}
	return items, record, nil
}

// nodesOutput is call's outcome for a function run on parsed resources.
// The items are left as a ResourceList's writer would leave them, so that
// both ways give the same resources.
func nodesOutput(ctx context.Context, fn kptfilev1.Function, record fnresultv1.Result, out cad.ResourceList, log []byte, runErr error) ([]*yaml.RNode, fnresultv1.Result, error) {
	record.Stderr = string(log)
	record.Results = out.Results
	if runErr != nil {
		record.ExitCode = exitCode(runErr)
		if cause := stopped(ctx, &record, runErr); cause != nil {
			return nil, record, fmt.Errorf("function %q stopped: %w", fnName(fn), cause)
		}
		return nil, record, fmt.Errorf("function %q failed: %w", fnName(fn), runErr)
	}
	for _, item := range out.Items {
		if err := yaml.ClearEmptyAnnotations(item); err != nil {
			record.ExitCode = 1
			return nil, record, fmt.Errorf("function %q wrote an invalid resource: %w", fnName(fn), err)
		}
	}
	return out.Items, record, nil
}

// parseOutput reads a function's ResourceList. The reader must not number
// the items: their file index annotations come from the package and decide
// where each resource is written back.
func parseOutput(out []byte) ([]*yaml.RNode, []fnresultv1.ResultItem, error) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil, errors.New("empty output")
	}
	reader := &kio.ByteReader{Reader: bytes.NewReader(out), OmitReaderAnnotations: true}
	items, err := reader.Read()
	if err != nil {
		return nil, nil, err
	}
	var results []fnresultv1.ResultItem
	if reader.Results != nil {
		if err := reader.Results.YNode().Decode(&results); err != nil {
			return items, nil, fmt.Errorf("results: %w", err)
		}
	}
	return items, results, nil
}

// exitCode is the exit code an error carries, 1 when it carries none.
func exitCode(err error) int {
	var coded interface{ ExitCode() int }
	if errors.As(err, &coded) && coded.ExitCode() > 0 {
		return coded.ExitCode()
	}
	return 1
}

func stringReader(s string) *strings.Reader { return strings.NewReader(s) }
