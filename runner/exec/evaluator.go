package exec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	osexec "os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/runner"
)

const (
	// DefaultTimeout bounds one function's run.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxOutputBytes bounds a function's stdout, and its stderr.
	DefaultMaxOutputBytes = 4 << 20
	// waitDelay is how long a killed function's pipes may stay open, held
	// by its own children, before they are closed under them.
	waitDelay = time.Second
)

// Evaluator runs the executables of a Config, or one command for every
// image (NewCommand). It implements runner.Evaluator.
type Evaluator struct {
	functions map[string]string
	// command, when set, runs for every image: the wrapper server in a
	// function's pod runs the image's own entrypoint, whatever it is named.
	command        []string
	timeout        time.Duration
	maxOutputBytes int
}

var _ runner.Evaluator = (*Evaluator)(nil)

// Option configures an Evaluator.
type Option func(*Evaluator)

// WithTimeout bounds each run; a function still running then is killed.
func WithTimeout(d time.Duration) Option {
	return func(e *Evaluator) {
		if d > 0 {
			e.timeout = d
		}
	}
}

// WithMaxOutputBytes bounds a function's stdout and its stderr; a function
// writing more is killed.
func WithMaxOutputBytes(n int) Option {
	return func(e *Evaluator) {
		if n > 0 {
			e.maxOutputBytes = n
		}
	}
}

// New returns an evaluator of the config's functions.
func New(c Config, opts ...Option) *Evaluator {
	e := newEvaluator(opts)
	for image, exe := range c.Functions {
		e.functions[image] = exe
	}
	return e
}

// NewCommand returns an evaluator that runs argv (an executable and its
// arguments) for every image, with the same timeout, output bounds and
// checks as New's.
func NewCommand(argv []string, opts ...Option) *Evaluator {
	e := newEvaluator(opts)
	e.command = append([]string(nil), argv...)
	return e
}

func newEvaluator(opts []Option) *Evaluator {
	e := &Evaluator{functions: map[string]string{}, timeout: DefaultTimeout, maxOutputBytes: DefaultMaxOutputBytes}
	for _, opt := range opts {
		opt(e)
	}
	return e
}

// Images implements runner.Lister: the images of its config. One that runs
// a command for every image lists none, as it answers for all.
func (e *Evaluator) Images() []string {
	return slices.Sorted(maps.Keys(e.functions))
}

// argv is the command that runs image, if the evaluator knows it.
func (e *Evaluator) argv(image string) ([]string, bool) {
	if len(e.command) > 0 {
		return e.command, true
	}
	exe, ok := e.functions[image]
	return []string{exe}, ok
}

// Evaluate implements runner.Evaluator: it returns the function's stdout
// and stderr, and an error naming the image when it exits non-zero, times
// out, writes too much, or writes something other than a ResourceList.
func (e *Evaluator) Evaluate(ctx context.Context, image string, resourceList []byte) ([]byte, []byte, error) {
	argv, ok := e.argv(image)
	if !ok {
		return nil, nil, &runner.NotFoundError{Image: image}
	}
	runCtx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	// stdout and stderr are copied on goroutines of their own.
	var overflow atomic.Bool
	onFull := func() { overflow.Store(true); cancel() }
	stdout := &boundedBuffer{limit: e.maxOutputBytes, onFull: onFull}
	stderr := &boundedBuffer{limit: e.maxOutputBytes, onFull: onFull}

	cmd := osexec.CommandContext(runCtx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(resourceList)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	out, log := stdout.buf.Bytes(), stderr.buf.Bytes()

	switch {
	case overflow.Load():
		return nil, log, fmt.Errorf("function %q wrote more than %d bytes to stdout or stderr and was stopped: %w", image, e.maxOutputBytes, runner.ErrTooLarge)
	case ctx.Err() != nil:
		return nil, log, fmt.Errorf("function %q: %w", image, ctx.Err())
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return nil, log, fmt.Errorf("function %q did not finish within %s and was stopped: %w", image, e.timeout, context.DeadlineExceeded)
	case err != nil:
		return out, log, fmt.Errorf("function %q failed: %v%s", image, err, logTail(log))
	}
	if err := checkResourceList(out); err != nil {
		return nil, log, fmt.Errorf("function %q wrote invalid output: %w", image, err)
	}
	return out, log, nil
}

// checkResourceList refuses output that is not one ResourceList, so that a
// broken function fails here and not somewhere in the engine.
func checkResourceList(out []byte) error {
	if len(bytes.TrimSpace(out)) == 0 {
		return errors.New("no output")
	}
	node, err := yaml.Parse(string(out))
	if err != nil {
		return fmt.Errorf("not YAML: %w", err)
	}
	if kind := node.GetKind(); kind != "ResourceList" {
		return fmt.Errorf("kind %q, want ResourceList", kind)
	}
	return nil
}

// logTail is the end of a failed function's log, for the error message.
func logTail(log []byte) string {
	const max = 1024
	s := strings.TrimSpace(string(log))
	if s == "" {
		return ""
	}
	if len(s) > max {
		s = "..." + s[len(s)-max:]
	}
	return ": " + s
}
