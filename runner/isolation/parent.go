package isolation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/builtin/starlarkfn"
)

const (
	// DefaultMemoryBytes bounds one child's memory beyond its size at
	// start: a starlark script over a package of the largest size (a few
	// MiB of YAML) needs some tens of MiB.
	DefaultMemoryBytes = 256 << 20
	// DefaultProcesses bounds the children running at once, and so the
	// memory they take together: 2 of 256 MiB leave the rest of a 1 GiB
	// container to the process that starts them.
	DefaultProcesses = 2
	// maxStderrBytes bounds what a child's standard error keeps: the
	// runtime's last words when it dies.
	maxStderrBytes = 64 << 10
)

// Options bound the children.
type Options struct {
	// MemoryBytes bounds each child's memory; 0 means DefaultMemoryBytes.
	MemoryBytes int64
	// Processes bounds the children running at once; further calls wait
	// for one to end, or for their context. 0 means DefaultProcesses.
	Processes int
	// StarlarkMaxSteps is the step budget of a starlark run; 0 means
	// starlarkfn.DefaultMaxSteps.
	StarlarkMaxSteps uint64
	// MaxOutputBytes bounds a child's answer; 0 means twice
	// runner.DefaultMaxMessageBytes (the answer carries the output in
	// base64, and the log).
	MaxOutputBytes int
}

// Runner runs builtin functions in child processes of exe, a binary that
// calls Main. It implements builtin.Isolator.
type Runner struct {
	exe   string
	o     Options
	slots chan struct{}
}

var _ builtin.Isolator = (*Runner)(nil)

// New returns a Runner of children of exe; exe is usually Executable().
func New(exe string, o Options) *Runner {
	if o.MemoryBytes <= 0 {
		o.MemoryBytes = DefaultMemoryBytes
	}
	if o.Processes <= 0 {
		o.Processes = DefaultProcesses
	}
	if o.StarlarkMaxSteps == 0 {
		o.StarlarkMaxSteps = starlarkfn.DefaultMaxSteps
	}
	if o.MaxOutputBytes <= 0 {
		o.MaxOutputBytes = 2 * runner.DefaultMaxMessageBytes
	}
	return &Runner{exe: exe, o: o, slots: make(chan struct{}, o.Processes)}
}

// MemoryError is a function that went over its memory limit.
type MemoryError struct {
	Image string
	Limit int64
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("function %q went over its memory limit of %d MiB and was stopped", e.Image, e.Limit>>20)
}

// Is lets errors.Is(err, runner.ErrTooLarge) see it.
func (e *MemoryError) Is(target error) bool { return target == runner.ErrTooLarge }

// Evaluate implements builtin.Isolator: it runs image on resourceList in a
// child, killed when ctx ends, and returns what the child answered. A
// child that dies of its memory limit gives a MemoryError.
func (r *Runner) Evaluate(ctx context.Context, image string, resourceList []byte) ([]byte, []byte, error) {
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, nil, &runner.StoppedError{Image: image, Cause: context.Cause(ctx)}
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stdout := &boundedBuffer{limit: r.o.MaxOutputBytes, onFull: cancel}
	stderr := &boundedBuffer{limit: maxStderrBytes}
	cmd := exec.CommandContext(runCtx, r.exe, ChildArg,
		"--image", image,
		"--memory-bytes", strconv.FormatInt(r.o.MemoryBytes, 10),
		"--max-steps", strconv.FormatUint(r.o.StarlarkMaxSteps, 10))
	// Nothing of this process's environment is the function's.
	cmd.Env = []string{}
	cmd.Stdin = bytes.NewReader(resourceList)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = childAttributes()
	cmd.WaitDelay = time.Second
	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
	}
	switch {
	case ctx.Err() != nil:
		return nil, nil, &runner.StoppedError{Image: image, Cause: context.Cause(ctx)}
	case stdout.full:
		return nil, nil, fmt.Errorf("function %q wrote more than %d bytes and was stopped: %w", image, r.o.MaxOutputBytes, runner.ErrTooLarge)
	case err != nil && outOfMemory(stderr.buf.Bytes()):
		return nil, nil, &MemoryError{Image: image, Limit: r.o.MemoryBytes}
	case err != nil:
		return nil, nil, fmt.Errorf("function %q: its process failed: %v%s", image, err, lastLine(stderr.buf.Bytes()))
	}
	var resp response
	if err := json.Unmarshal(stdout.buf.Bytes(), &resp); err != nil {
		return nil, nil, fmt.Errorf("function %q: its process answered with something else than a response: %w", image, err)
	}
	switch {
	case resp.NotFound:
		return nil, nil, &runner.NotFoundError{Image: image}
	case resp.Error != "":
		// The child's error names the function already.
		return resp.Output, resp.Log, errors.New(resp.Error)
	}
	return resp.Output, resp.Log, nil
}

// outOfMemory reports whether a child's last words are the Go runtime's
// when the kernel refuses it memory: with its address space capped, that
// is how a child over its limit dies, on a heap allocation, a thread's
// creation (ENOMEM, errno 12), or, in a binary built with the race
// detector, its shadow memory's.
func outOfMemory(stderr []byte) bool {
	for _, words := range []string{"fatal error: out of memory", "runtime: out of memory", "errno=12", "too many address space collisions"} {
		if bytes.Contains(stderr, []byte(words)) {
			return true
		}
	}
	return false
}

// lastLine is the last line of a child's standard error, for a message.
func lastLine(stderr []byte) string {
	lines := strings.Split(strings.TrimSpace(string(stderr)), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return ": " + last
	}
	return ""
}

// boundedBuffer keeps at most limit bytes, so that a child cannot flood
// its parent's memory. Once a write would pass the limit it is full: with
// onFull set, it calls it and refuses the rest (an answer cut short is
// no answer); without, it drops the rest (the start of the runtime's
// last words says why a child died).
type boundedBuffer struct {
	buf    bytes.Buffer
	limit  int
	full   bool
	onFull func()
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if !b.full && b.buf.Len()+len(p) > b.limit {
		b.full = true
		if b.onFull == nil {
			b.buf.Write(p[:b.limit-b.buf.Len()])
		} else {
			b.onFull()
		}
	}
	switch {
	case !b.full:
		return b.buf.Write(p)
	case b.onFull == nil:
		return len(p), nil
	default:
		return 0, errors.New("output limit reached")
	}
}
