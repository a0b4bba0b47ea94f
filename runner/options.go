package runner

import (
	"crypto/tls"
	"time"
)

// DefaultMaxMessageBytes bounds a request or response of the gRPC service:
// packages are inline up to a few MiB, and a ResourceList grows with results.
const DefaultMaxMessageBytes = 32 << 20

// WrapperServerPort is the port of the wrapper server in a function's pod
// (cmd/wrapper-server): the pod evaluator's Service and readiness probe
// name it.
const WrapperServerPort = 9446

// Option configures a Server or a Client.
type Option func(*options)

type options struct {
	maxMessageBytes    int
	callTimeout        time.Duration
	defaultImagePrefix string
	tls                *tls.Config
}

// DefaultCallTimeout bounds one call of the server: one function's run.
const DefaultCallTimeout = 30 * time.Second

func buildOptions(opts []Option) options {
	o := options{maxMessageBytes: DefaultMaxMessageBytes, callTimeout: DefaultCallTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithMaxMessageBytes sets the largest message, in bytes, that the server or
// client sends or receives. Larger messages fail with ResourceExhausted.
func WithMaxMessageBytes(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxMessageBytes = n
		}
	}
}

// WithCallTimeout bounds each call of the server, whatever deadline the
// client gave: a call still running then fails with DeadlineExceeded and
// its function is cancelled. For a server only.
func WithCallTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.callTimeout = d
		}
	}
}

// WithDefaultImagePrefix puts prefix before a requested image named
// without a registry or path (apply-setters:v0.2), as kpt does; answers and
// metrics name the image as requested.
func WithDefaultImagePrefix(prefix string) Option {
	return func(o *options) { o.defaultImagePrefix = prefix }
}
