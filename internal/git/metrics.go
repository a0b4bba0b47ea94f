package git

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/tracing"
)

var (
	operationDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "porch_git_operation_duration_seconds",
		Help: "How long git operations on remotes took, by operation (list-refs, fetch: a mirror's, fetch-package: one package's for a clone, push) " +
			"and result (success, conflict: a ref moved by another writer, failure).",
		Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
	}, []string{"operation", "result"})
	transferredBytes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "porch_git_transferred_bytes_total",
		Help: "Bytes exchanged with git remotes over HTTP(S), by operation (fetch: upload-pack, ref listings included; push: receive-pack) " +
			"and direction (sent, received); bodies as sent and as read, decompressed.",
	}, []string{"operation", "direction"})
)

// Collectors are the git metrics, for the process's registry.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{operationDuration, transferredBytes}
}

// meteredHTTP is the HTTP client of every git operation over HTTP(S): the
// ones go-git runs itself (a mirror's fetch, ref listings, pushes) take it
// from go-git's protocol registry, where init installs it, and a package
// fetch builds its own on the same transport.
var meteredHTTP = &meteredTransport{base: http.DefaultTransport}

func init() {
	c := githttp.NewClient(&http.Client{Transport: meteredHTTP})
	client.InstallProtocol("http", c)
	client.InstallProtocol("https", c)
}

// startOperation begins a git operation on ep's remote, in a span of
// its own; end records how long it took and how it ended.
func startOperation(ctx context.Context, operation string, ep Endpoint) (_ context.Context, end func(error)) {
	started := time.Now()
	ctx, span := tracing.Tracer().Start(ctx, "git "+operation, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("git.remote", SafeURL(ep.URL))))
	return ctx, func(err error) {
		operationDuration.WithLabelValues(operation, operationResult(err)).Observe(time.Since(started).Seconds())
		tracing.End(span, err)
	}
}

func operationResult(err error) string {
	switch {
	case err == nil, errors.Is(err, transport.ErrEmptyRemoteRepository):
		return "success"
	case errors.Is(err, backend.ErrConflict):
		return "conflict"
	default:
		return "failure"
	}
}

// meteredTransport counts the bytes of git's smart HTTP requests and
// responses, by the service they call.
type meteredTransport struct {
	base http.RoundTripper
}

func (t *meteredTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	operation := gitOperation(req)
	if req.Body != nil {
		// A RoundTripper must not change the caller's request: the body
		// is counted on a copy.
		counted := *req
		counted.Body = &countedBody{ReadCloser: req.Body, counter: transferredBytes.WithLabelValues(operation, "sent")}
		req = &counted
	}
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	res.Body = &countedBody{ReadCloser: res.Body, counter: transferredBytes.WithLabelValues(operation, "received")}
	return res, nil
}

// gitOperation names what a smart HTTP request is for: its path ends in
// the service's name, or asks for it in ?service= when listing refs.
func gitOperation(req *http.Request) string {
	service := req.URL.Query().Get("service")
	if service == "" {
		service = req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
	}
	if service == "git-receive-pack" {
		return "push"
	}
	return "fetch"
}

// countedBody adds what is read through it to a counter, as it is read.
type countedBody struct {
	io.ReadCloser
	counter prometheus.Counter
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.counter.Add(float64(n))
	}
	return n, err
}
