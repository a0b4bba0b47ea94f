package main

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/porch-dev/porch/internal/tracing"
)

// tracesFlushTimeout bounds how long a stopping manager waits for the
// collector to take its last spans.
const tracesFlushTimeout = 5 * time.Second

// startTracing exports traces when the environment asks for it (see
// internal/tracing) and returns what flushes them on the way out.
func startTracing(ctx context.Context) (flush func(), err error) {
	shutdown, err := tracing.Start(ctx, "porch-manager", ctrl.Log.WithName("tracing"))
	if err != nil {
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), tracesFlushTimeout)
		defer cancel()
		if err := shutdown(ctx); err != nil {
			setupLog.Error(err, "Flushing the last traces failed")
		}
	}, nil
}
