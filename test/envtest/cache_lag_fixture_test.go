package envtest

import (
	"context"
	"sync"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// laggingCache is the manager's cached client, made to lag on demand: a
// PackageRevision held back is read as the copy it holds, as an informer
// that has not yet seen the latest writes reads it, until released. Every
// other read, and every write, goes to the cache and the apiserver as usual.
type laggingCache struct {
	client.Client
	mu     sync.Mutex
	held   map[client.ObjectKey]*porchv1alpha1.PackageRevision
	served map[client.ObjectKey]int
}

var lag = &laggingCache{held: map[client.ObjectKey]*porchv1alpha1.PackageRevision{}, served: map[client.ObjectKey]int{}}

// newLaggingClient is the manager's NewClient: its usual client, wrapped.
func newLaggingClient(config *rest.Config, options client.Options) (client.Client, error) {
	c, err := client.New(config, options)
	if err != nil {
		return nil, err
	}
	lag.Client = c
	return lag, nil
}

func (l *laggingCache) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if pr, ok := obj.(*porchv1alpha1.PackageRevision); ok {
		l.mu.Lock()
		stale, held := l.held[key]
		if held {
			l.served[key]++
			stale.DeepCopyInto(pr)
		}
		l.mu.Unlock()
		if held {
			return nil
		}
	}
	return l.Client.Get(ctx, key, obj, opts...)
}

// holdBack has the cache show pr, as it is now, until released.
func (l *laggingCache) holdBack(pr *porchv1alpha1.PackageRevision) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := client.ObjectKeyFromObject(pr)
	l.held[key], l.served[key] = pr.DeepCopy(), 0
}

// servedStale is how often the copy held back for key was read.
func (l *laggingCache) servedStale(key client.ObjectKey) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.served[key]
}

func (l *laggingCache) release(key client.ObjectKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.held, key)
	delete(l.served, key)
}
