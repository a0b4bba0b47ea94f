package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/porch-dev/porch/runner/evaluatorpb"
)

// statusFromError turns an evaluation error into a gRPC status. A function's
// output and log ride along as an EvaluateFunctionResponse detail, because a
// failed function's results are what tells the user why it failed; clients
// that do not look at details still get the message.
func statusFromError(image string, out, log []byte, err error) error {
	code := codeOf(err)
	msg := err.Error()
	if notFound := (*NotFoundError)(nil); code == codes.NotFound && !errors.As(err, &notFound) {
		msg = fmt.Sprintf("no function runner knows image %q", image)
	}
	st := status.New(code, msg)
	if len(out) == 0 && len(log) == 0 {
		return st.Err()
	}
	withOutput, detailErr := st.WithDetails(&evaluatorpb.EvaluateFunctionResponse{ResourceList: out, Log: log})
	if detailErr != nil {
		return st.Err()
	}
	return withOutput.Err()
}

// codeOf picks the status code: Internal only for the runner's own faults
// (a panic), Unknown for a function that reported failure.
func codeOf(err error) codes.Code {
	var panicErr *PanicError
	switch {
	case errors.Is(err, ErrNotFound):
		return codes.NotFound
	case errors.As(err, &panicErr):
		return codes.Internal
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return codes.Canceled
	case errors.Is(err, ErrTooLarge):
		return codes.ResourceExhausted
	default:
		return codes.Unknown
	}
}

// errorFromStatus is the client's side of statusFromError: it returns the
// function's output and log, and an error that matches ErrNotFound,
// ErrTooLarge or context.DeadlineExceeded as the server's did, or
// ErrUnavailable when the server was not reached.
func errorFromStatus(image string, err error) (out, log []byte, _ error) {
	st, ok := status.FromError(err)
	if !ok {
		return nil, nil, fmt.Errorf("function %q: %w", image, err)
	}
	for _, d := range st.Details() {
		if resp, ok := d.(*evaluatorpb.EvaluateFunctionResponse); ok {
			out, log = resp.GetResourceList(), resp.GetLog()
		}
	}
	switch st.Code() {
	case codes.NotFound:
		return out, log, &NotFoundError{Image: image, hint: strings.TrimPrefix(st.Message(), fmt.Sprintf("no function runner knows image %q", image))}
	case codes.DeadlineExceeded:
		msg := st.Message()
		if !strings.Contains(msg, "deadline exceeded") {
			// The transport's own words, when the server reset the
			// stream at the call's deadline: say what happened.
			msg = fmt.Sprintf("function %q: deadline exceeded (%s)", image, msg)
		}
		return out, log, &remoteError{msg: msg, kind: context.DeadlineExceeded}
	case codes.ResourceExhausted:
		return out, log, &remoteError{msg: st.Message(), kind: ErrTooLarge}
	case codes.Unavailable:
		return out, log, fmt.Errorf("function runner %w: %s", ErrUnavailable, st.Message())
	default:
		return out, log, fmt.Errorf("function runner: %s", st.Message())
	}
}

// remoteError is the server's message, which already says what happened,
// matching the sentinel error of its status code.
type remoteError struct {
	msg  string
	kind error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.kind }
