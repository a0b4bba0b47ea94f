package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/porch-dev/porch/internal/cad"
)

// Evaluator runs KRM functions named by image. The runner holds several and
// tries them in order, so each one only answers for the images it knows.
type Evaluator interface {
	// Evaluate runs the function image on resourceList, a ResourceList in
	// YAML, and returns the ResourceList it wrote and what it logged. An
	// image the evaluator does not know gives an error matching ErrNotFound,
	// so that the next evaluator is tried. A function that fails returns an
	// error and, when it wrote any, its output, whose results say why.
	Evaluate(ctx context.Context, image string, resourceList []byte) (output, log []byte, err error)
}

// NodeEvaluator is an Evaluator that also runs functions on parsed
// resources, for callers in the same process: the builtin functions.
type NodeEvaluator interface {
	Evaluator
	// Knows reports whether the evaluator runs image, so that callers copy
	// the resources only for the evaluator that will take them.
	Knows(image string) bool
	// EvaluateNodes runs the function image on rl in place, setting its
	// items and results, and returns what it logged. Its errors are
	// Evaluate's. A function may move a resource by changing either its
	// path annotation or the legacy one; as kyaml's pipelines, the caller
	// reconciles the two around the call, so EvaluateNodes does not.
	EvaluateNodes(ctx context.Context, image string, rl *cad.ResourceList) (log []byte, err error)
}

// ErrNotFound matches the error of an evaluator that does not know an image.
var ErrNotFound = errors.New("function not found")

// ErrTooLarge matches the error of a message over the size limit, or of a
// function whose output or log went over the runner's limit: the runner keeps
// its memory bounded rather than trusting functions.
var ErrTooLarge = errors.New("too large")

// ErrUnavailable matches a Client's error when the runner could not be
// reached: the function did not run, so calling again elsewhere is safe.
var ErrUnavailable = errors.New("unavailable")

// Lister is an Evaluator that can say which images it runs, so that an
// image none of a Chain knows is refused with what the user may write
// instead.
type Lister interface {
	Images() []string
}

// NotFoundError is an evaluator's answer for an image it does not know.
// Known, when a Chain fills it, lists the images the runner does run.
type NotFoundError struct {
	Image string
	Known []string
	// hint is what a server said after the image, for a client.
	hint string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no function runner knows image %q", e.Image) + e.hintText()
}

// hintText is what the message says after naming the image: the images
// the runner runs, and how another is configured.
func (e *NotFoundError) hintText() string {
	if e.hint != "" || len(e.Known) == 0 {
		return e.hint
	}
	return fmt.Sprintf("; the images it runs are %s (builtin ones by short name, or under ghcr.io/kptdev/krm-functions-catalog/ or gcr.io/kpt-fn/); "+
		"any other runs as an executable, mapped to its image in the runner's --exec-config (functions: {IMAGE: PATH}), "+
		"or named by exec: in the Kptfile for porchctl fn render --allow-exec", strings.Join(e.Known, ", "))
}

// Is lets errors.Is(err, ErrNotFound) see through the image.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// PanicError is a function that panicked: a bug in a builtin function, which
// fails the call instead of the runner.
type PanicError struct {
	Image string
	Value any
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("function %q panicked: %v", e.Image, e.Value)
}

// Chain tries its evaluators in order and returns the first answer that is
// not a NotFound.
type Chain []Evaluator

// Evaluate implements Evaluator. When no evaluator knows the image it returns
// a NotFoundError naming it; a panic in a function becomes a PanicError.
func (c Chain) Evaluate(ctx context.Context, image string, resourceList []byte) ([]byte, []byte, error) {
	for _, e := range c {
		out, log, err := evaluateSafely(ctx, e, image, resourceList)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		return out, log, err
	}
	return nil, nil, c.notFound(image)
}

// notFound is the error for an image none of c's evaluators runs, listing
// those they do.
func (c Chain) notFound(image string) *NotFoundError {
	var known []string
	for _, e := range c {
		if l, ok := e.(Lister); ok {
			known = append(known, l.Images()...)
		}
	}
	slices.Sort(known)
	return &NotFoundError{Image: image, Known: slices.Compact(known)}
}

// evaluateNodesSafely is evaluateSafely for parsed resources. When ctx
// ends first, rl belongs to the abandoned call: the caller must not read it.
func evaluateNodesSafely(ctx context.Context, e NodeEvaluator, image string, rl *cad.ResourceList) ([]byte, error) {
	r := untilDone(ctx, image, func() (out result) {
		out.log, out.err = e.EvaluateNodes(ctx, image, rl)
		return out
	})
	return r.log, r.err
}

// evaluateSafely calls the evaluator so that neither a panic of the
// function nor a function that ignores ctx can take the caller down with
// it (see untilDone).
func evaluateSafely(ctx context.Context, e Evaluator, image string, in []byte) (out, log []byte, err error) {
	r := untilDone(ctx, image, func() (out result) {
		out.out, out.log, out.err = e.Evaluate(ctx, image, in)
		return out
	})
	return r.out, r.log, r.err
}

// result is what one evaluation gave.
type result struct {
	out, log []byte
	err      error
}

// untilDone runs call on a goroutine of its own and returns what it gave,
// or, as soon as ctx ends, an error saying so: a function that does not
// watch its context (a builtin's Go code, a library) cannot hold the
// caller, a worker of the manager or a call of the server, past its
// deadline. The abandoned call runs on until it returns; the functions
// whose work their input does not bound (starlark) watch ctx and stop by
// themselves. A panic of the function becomes a PanicError.
func untilDone(ctx context.Context, image string, call func() result) result {
	if err := ctx.Err(); err != nil {
		return result{err: &StoppedError{Image: image, Cause: context.Cause(ctx)}}
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- result{err: &PanicError{Image: image, Value: v}}
			}
		}()
		done <- call()
	}()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		return result{err: &StoppedError{Image: image, Cause: context.Cause(ctx)}}
	}
}

// StoppedError is a function whose caller's context ended before it did.
type StoppedError struct {
	Image string
	// Cause is the context's cause: context.DeadlineExceeded, or
	// context.Canceled, or what the context was given.
	Cause error
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("function %q stopped: %v", e.Image, e.Cause)
}

// Unwrap lets errors.Is see the cause, e.g. context.DeadlineExceeded.
func (e *StoppedError) Unwrap() error { return e.Cause }
