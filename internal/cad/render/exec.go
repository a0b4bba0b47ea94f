package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/porch-dev/porch/internal/cad"
)

// ExecRunner is a cad.FunctionRunner that runs functions named by exec: it
// starts the executable with the ResourceList on stdin and reads the
// rendered ResourceList from stdout, as kpt does for exec functions. It is
// for local use (porchctl, tests); image functions need the function runner.
type ExecRunner struct {
	// Timeout bounds one function's run; 0 means one minute.
	Timeout time.Duration
	// MaxOutput bounds what a function may write to stdout and to stderr,
	// each; 0 means 64 MiB.
	MaxOutput int
}

var _ cad.FunctionRunner = ExecRunner{}

// Run implements cad.FunctionRunner.
func (e ExecRunner) Run(ctx context.Context, fn cad.Function, resourceList []byte) ([]byte, []byte, error) {
	if fn.Exec == "" {
		return nil, nil, fmt.Errorf("image functions need the function runner: %s", fn.Image)
	}
	args := strings.Fields(fn.Exec)
	if len(args) == 0 {
		return nil, nil, errors.New("empty exec")
	}
	timeout := e.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	limit := e.MaxOutput
	if limit <= 0 {
		limit = 64 << 20
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = bytes.NewReader(resourceList)
	stdout := &boundedBuffer{limit: limit}
	stderr := &boundedBuffer{limit: limit}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		err = fmt.Errorf("timed out after %s", timeout)
	case stdout.overflow || stderr.overflow:
		err = fmt.Errorf("wrote more than %d bytes", limit)
	}
	return stdout.Bytes(), stderr.Bytes(), err
}

// boundedBuffer keeps at most limit bytes and notes that more came, so that
// a runaway function cannot exhaust memory.
type boundedBuffer struct {
	bytes.Buffer
	limit    int
	overflow bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); len(p) > room {
		b.overflow = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}
