package pod

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
)

// Evaluator runs every image in pods of a namespace. It implements
// runner.Evaluator and knows every image, so it comes last in a chain.
type Evaluator struct {
	client       client.Client
	namespace    string
	wrapperImage string
	template     *Template
	templateHash string
	ttl          time.Duration
	scanInterval time.Duration
	readyTimeout time.Duration
	maxPods      int
	// maxTotal bounds the pods of all images; 0 is no bound.
	maxTotal      int
	imagePrefixes []string
	images        *imagePolicy
	dialAddress   func(*corev1.Pod, *corev1.Service) string
	clientOpts    []runner.Option
	entrypoints   *entrypoints
	log           logr.Logger
	metrics       *metrics

	mu    sync.Mutex
	pools map[string]*pool
	// wakeAny is closed, and replaced, whenever any slot is freed or
	// removed: calls waiting for room under maxTotal wait on it.
	wakeAny chan struct{}
	// stopCollector stops the garbage collector and waits for it; nil
	// before Start and after Close.
	stopCollector func()
}

var _ runner.Evaluator = (*Evaluator)(nil)

// New returns an evaluator making pods in namespace through c, whose init
// container copies the wrapper server from wrapperImage (the runner's own
// image). Call Start before Evaluate, and Close when done.
func New(c client.Client, namespace, wrapperImage string, opts ...Option) (*Evaluator, error) {
	if namespace == "" {
		return nil, errors.New("pod evaluator: no namespace for the function pods")
	}
	if wrapperImage == "" {
		return nil, errors.New("pod evaluator: no wrapper server image (the runner's own image) for the function pods")
	}
	e := &Evaluator{
		client:        c,
		namespace:     namespace,
		wrapperImage:  wrapperImage,
		template:      DefaultTemplate(),
		ttl:           DefaultTTL,
		scanInterval:  DefaultScanInterval,
		readyTimeout:  DefaultReadyTimeout,
		maxPods:       DefaultMaxPodsPerFunction,
		maxTotal:      DefaultMaxPods,
		imagePrefixes: DefaultImagePrefixes,
		dialAddress:   serviceAddress,
		entrypoints: &entrypoints{
			remoteOpts: []remote.Option{remote.WithAuthFromKeychain(authn.DefaultKeychain)},
			cache:      map[string][]string{},
		},
		log:     logr.Discard(),
		metrics: newMetrics(),
		pools:   map[string]*pool{},
		wakeAny: make(chan struct{}),
	}
	for _, opt := range opts {
		opt(e)
	}
	images, err := newImagePolicy(e.imagePrefixes, "--pod-image-prefixes")
	if err != nil {
		return nil, fmt.Errorf("pod evaluator: %w", err)
	}
	e.images = images
	e.templateHash = e.template.hash(wrapperImage)
	return e, nil
}

// Evaluate implements runner.Evaluator: it runs the function in one of the
// image's pods, making the pod first if none is free and the image has
// fewer than its maximum, and waiting for a free one otherwise.
func (e *Evaluator) Evaluate(ctx context.Context, image string, resourceList []byte) ([]byte, []byte, error) {
	if err := e.images.check(image); err != nil {
		return nil, nil, err
	}
	for retried := false; ; retried = true {
		s, err := e.acquire(ctx, image)
		if err != nil {
			return nil, nil, err
		}
		if s.client == nil {
			if err := e.prepare(ctx, s); err != nil {
				return nil, nil, err
			}
		}
		out, log, err := s.client.Run(ctx, cad.Function{Image: image}, resourceList)
		if errors.Is(err, runner.ErrUnavailable) {
			// The pod went away while idle (deleted, evicted, restarted).
			// The function did not run, so it may run once more, on a
			// fresh pod.
			e.remove(s, nil, "unreachable")
			if !retried {
				continue
			}
			return out, log, fmt.Errorf("function %q: pod %s: %w", image, s.name, err)
		}
		e.touch(ctx, s)
		e.release(s)
		return out, log, err
	}
}

// Start adopts the pods a previous runner left (see adopt) and starts the
// garbage collector, which runs until ctx ends or Close.
func (e *Evaluator) Start(ctx context.Context) error {
	if err := e.adopt(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	e.mu.Lock()
	e.stopCollector = func() { cancel(); <-done }
	e.mu.Unlock()
	go func() {
		defer close(done)
		e.collectLoop(ctx)
	}()
	return nil
}

// Close stops the garbage collector and closes the connections to the
// idle pods. The pods stay, for the next runner to adopt or collect.
func (e *Evaluator) Close() error {
	e.mu.Lock()
	stop := e.stopCollector
	e.stopCollector = nil
	e.mu.Unlock()
	if stop != nil {
		stop()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, p := range e.pools {
		for _, s := range p.slots {
			if s.client != nil && !s.busy {
				errs = append(errs, s.client.Close())
				s.client = nil
			}
		}
	}
	return errors.Join(errs...)
}
