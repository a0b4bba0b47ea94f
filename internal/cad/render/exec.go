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
	// A function that writes too much is stopped rather than drained.
	stdout := &boundedBuffer{limit: limit, onOverflow: cancel}
	stderr := &boundedBuffer{limit: limit, onOverflow: cancel}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A killed function's children may hold its pipes open; do not wait
	// for them for long.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	switch {
	case stdout.overflow || stderr.overflow:
		err = fmt.Errorf("wrote more than %d bytes", limit)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("timed out after %s", timeout)
	}
	return stdout.Bytes(), stderr.Bytes(), err
}

// boundedBuffer keeps at most limit bytes and notes that more came, so that
// a runaway function cannot exhaust memory. The buffer is a field, not
// embedded, so that io.Copy cannot bypass Write through ReadFrom.
type boundedBuffer struct {
	buf        bytes.Buffer
	limit      int
	overflow   bool
	onOverflow func()
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.buf.Len(); len(p) > room {
		if !b.overflow {
			b.overflow = true
			b.onOverflow()
		}
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *boundedBuffer) Bytes() []byte { return b.buf.Bytes() }
