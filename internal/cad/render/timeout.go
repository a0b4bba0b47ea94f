package render

import (
	"context"
	"fmt"
	"time"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// TimeoutError is a render stopped by one of its deadlines: a function's
// (Options.FunctionTimeout) or the whole pipeline's
// (Options.PipelineTimeout). It matches context.DeadlineExceeded.
type TimeoutError struct {
	// Limit is "function" or "pipeline".
	Limit string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("deadline exceeded (the %s timeout is %s)", e.Limit, e.After)
}

// Unwrap lets errors.Is(err, context.DeadlineExceeded) see it.
func (e *TimeoutError) Unwrap() error { return context.DeadlineExceeded }

// withTimeout bounds ctx by d, when d is set, with a TimeoutError of limit
// as its cause, so that the error names the deadline that ran out.
func withTimeout(ctx context.Context, d time.Duration, limit string) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, d, &TimeoutError{Limit: limit, After: d})
}

// stopped gives the reason a failed call was stopped, when its context
// ended before it returned: whatever the runner said, the reason is the
// context's (a deadline, or the manager stopping), and the function's
// record says so too, as the results of the render status are what its
// user reads. It gives nil, and leaves the record, for a function that
// failed on its own.
func stopped(ctx context.Context, record *fnresultv1.Result, err error) error {
	if err == nil || ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(ctx)
	record.ExitCode = 1
	record.Results = append(record.Results, fnresultv1.ResultItem{
		Message:  "stopped: " + cause.Error(),
		Severity: framework.Error,
	})
	return cause
}
