package pod

import (
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"

	"github.com/porch-dev/porch/runner"
)

const (
	// DefaultTTL is how long a pod may stay idle before it is deleted.
	DefaultTTL = 30 * time.Minute
	// DefaultScanInterval is how often idle pods are looked for.
	DefaultScanInterval = time.Minute
	// DefaultReadyTimeout bounds the wait for a pod to become ready:
	// pulling a function image takes seconds to a minute.
	DefaultReadyTimeout = 2 * time.Minute
	// DefaultMaxPodsPerFunction bounds the pods of one image, so that a
	// burst of renders cannot fill the cluster with copies of a function.
	DefaultMaxPodsPerFunction = 2
	// DefaultMaxPods bounds the pods of every image together, so that
	// renders of many images cannot fill the cluster either.
	DefaultMaxPods = 20
	// touchInterval is how often, at most, a pod's last-used annotation is
	// written: the TTL is tens of minutes, so a minute's error costs
	// nothing, and a write per call would.
	touchInterval = time.Minute
	// pollInterval is how often a pod is read while waiting for it.
	pollInterval = 250 * time.Millisecond
)

// Option configures an Evaluator.
type Option func(*Evaluator)

// WithTemplate makes the pods from t instead of DefaultTemplate().
func WithTemplate(t *Template) Option {
	return func(e *Evaluator) {
		if t != nil {
			e.template = t
		}
	}
}

// WithTTL sets how long a pod may stay idle before it is deleted.
func WithTTL(d time.Duration) Option {
	return positive(d, func(e *Evaluator) { e.ttl = d })
}

// WithScanInterval sets how often idle and stray pods are looked for.
func WithScanInterval(d time.Duration) Option {
	return positive(d, func(e *Evaluator) { e.scanInterval = d })
}

// WithReadyTimeout bounds the wait for a pod to become ready; a pod not
// ready by then is deleted and the call fails.
func WithReadyTimeout(d time.Duration) Option {
	return positive(d, func(e *Evaluator) { e.readyTimeout = d })
}

// WithMaxPodsPerFunction bounds the pods of one image. Each pod runs one
// function call at a time; more calls wait for a pod to be free.
func WithMaxPodsPerFunction(n int) Option {
	return positive(n, func(e *Evaluator) { e.maxPods = n })
}

// WithImagePrefixes sets which images may run in a pod: those under one
// of the prefixes (registry or repository paths), or every image for
// []string{AnyImage}; none for an empty list. DefaultImagePrefixes
// without it.
func WithImagePrefixes(prefixes []string) Option {
	return func(e *Evaluator) { e.imagePrefixes = prefixes }
}

// WithMaxPods bounds the pods the evaluator keeps in all, whatever their
// image; 0 means no bound beyond WithMaxPodsPerFunction. A call that
// needs a new pod at the bound takes the place of the pod of another
// function idle the longest, or, when every pod is busy, waits for one.
func WithMaxPods(n int) Option {
	return func(e *Evaluator) { e.maxTotal = max(n, 0) }
}

// WithDialAddress sets how a pod's wrapper server is reached, host:port
// (the default is its Service's cluster DNS name).
func WithDialAddress(f func(pod *corev1.Pod, svc *corev1.Service) string) Option {
	return func(e *Evaluator) {
		if f != nil {
			e.dialAddress = f
		}
	}
}

// WithInsecureRegistry reads images over plain HTTP, for a registry without
// TLS.
func WithInsecureRegistry() Option {
	return func(e *Evaluator) { e.entrypoints.nameOpts = append(e.entrypoints.nameOpts, name.Insecure) }
}

// WithMaxMessageBytes sets the largest message to and from the pods.
func WithMaxMessageBytes(n int) Option {
	return positive(n, func(e *Evaluator) { e.clientOpts = []runner.Option{runner.WithMaxMessageBytes(n)} })
}

// WithLogger logs the pods' creation and deletion; nothing is logged
// without it.
func WithLogger(l logr.Logger) Option {
	return func(e *Evaluator) { e.log = l }
}

// positive applies set only for a positive value, so that a zero flag
// keeps the default.
func positive[T ~int | ~int64](v T, set Option) Option {
	return func(e *Evaluator) {
		if v > 0 {
			set(e)
		}
	}
}
