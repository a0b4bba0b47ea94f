// Command fnexec is a KRM exec function for the engine benchmarks: it reads
// a ResourceList on stdin, evaluates it with the runner's builtin function
// for the image it was built for, and writes the output ResourceList to
// stdout. The image is set at build time:
//
//	go build -ldflags "-X main.image=ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4"
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/porch-dev/porch/runner/builtin"
)

// image is the catalog function this binary runs.
var image string

func main() {
	if image == "" {
		fmt.Fprintln(os.Stderr, "fnexec: built without -X main.image")
		os.Exit(2)
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fnexec:", err)
		os.Exit(1)
	}
	out, log, err := builtin.New().Evaluate(context.Background(), image, in)
	_, _ = os.Stderr.Write(log)
	if len(out) > 0 {
		if _, werr := os.Stdout.Write(out); werr != nil {
			fmt.Fprintln(os.Stderr, "fnexec:", werr)
			os.Exit(1)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fnexec:", err)
		os.Exit(1)
	}
}
