package isolation

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

// ChildArg is the first argument that makes a binary calling Main the
// child of a Runner. No user-facing command starts with it.
const ChildArg = "__porch-isolated-function"

// childExitFailed is the child's exit code when it could not answer.
const childExitFailed = 3

// response is the child's answer, on its standard output.
type response struct {
	Output []byte `json:"output,omitempty"`
	Log    []byte `json:"log,omitempty"`
	// Error is the function's error message; empty on success.
	Error string `json:"error,omitempty"`
	// NotFound says the child does not know the image.
	NotFound bool `json:"notFound,omitempty"`
}

// childFlags are what the parent tells the child.
type childFlags struct {
	image       string
	memoryBytes int64
	maxSteps    uint64
}

// Main runs the child's side and exits when args (os.Args) start a child;
// it returns at once otherwise. The child sets its limits, reads a
// ResourceList from standard input, runs the builtin function on it and
// writes a response to standard output.
func Main(args []string) {
	if len(args) < 2 || args[1] != ChildArg {
		return
	}
	if err := serveChild(args[2:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "isolated function:", err)
		os.Exit(childExitFailed)
	}
	os.Exit(0)
}

func serveChild(args []string, stdin io.Reader, stdout io.Writer) error {
	var f childFlags
	fs := flag.NewFlagSet(ChildArg, flag.ContinueOnError)
	fs.StringVar(&f.image, "image", "", "")
	fs.Int64Var(&f.memoryBytes, "memory-bytes", 0, "")
	fs.Uint64Var(&f.maxSteps, "max-steps", 0, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.image == "" || f.memoryBytes <= 0 {
		return errors.New("--image and --memory-bytes are required")
	}
	// First, before anything of the user's is read.
	if err := limitChild(f.memoryBytes); err != nil {
		return err
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		return err
	}
	// The parent kills the child at its deadline; the child needs none.
	out, log, err := builtin.New(builtin.WithStarlarkMaxSteps(f.maxSteps)).Evaluate(context.Background(), f.image, in)
	resp := response{Output: out, Log: log}
	if err != nil {
		resp.Error = err.Error()
		resp.NotFound = errors.Is(err, runner.ErrNotFound)
	}
	return json.NewEncoder(stdout).Encode(resp)
}
