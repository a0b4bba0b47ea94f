package repository

import (
	"context"
	"errors"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// SyncLimiter bounds how many repositories fetch and write at once across
// the manager, so that many repositories never all sync together, and
// shares those slots fairly between namespaces, so that one tenant's
// repositories cannot keep every other tenant's waiting.
//
// A namespace may hold every slot while no other namespace waits; once
// another does, it is granted no slot while it holds half of them or more
// (rounded up). Slots are not taken back: a namespace over its share gives
// them up as its syncs end, and each freed slot goes to the next waiting
// namespace in turn (round-robin) that is under its share; within a
// namespace, syncs are served in the order they asked.
//
// A sync waiting for a slot holds one of the controller's workers, so the
// controller asks with AcquireOrDefer: one sync of a namespace waits, and
// the others of that namespace hold no worker until it is their turn.
// Otherwise a namespace with many Repositories would hold every worker,
// half of them waiting, and another namespace's Repository would never
// reach the limiter to be given the next slot.
type SyncLimiter struct {
	mu    sync.Mutex
	slots int
	inUse int
	// held counts the slots of each namespace holding any.
	held map[string]int
	// queues are the waiting syncs of each namespace, oldest first; turn
	// is the order in which the namespaces with waiting syncs are served
	// next: one served goes to the back.
	queues map[string][]*syncWaiter
	turn   []string
	// deferred are the syncs told to come back (AcquireOrDefer) of each
	// namespace, oldest first.
	deferred map[string][]deferredSync
	peak     int
}

// deferredSync is a sync that did not wait behind another of its
// namespace: wake brings it back.
type deferredSync struct {
	key  types.NamespacedName
	wake func(types.NamespacedName)
}

// ErrDeferred says that a sync was not queued for a slot, because another
// sync of its namespace waits already; it is woken when that one is served.
var ErrDeferred = errors.New("another sync of the namespace is waiting for a slot")

// syncWaiter is one sync waiting for a slot; granted is closed once it
// holds one.
type syncWaiter struct {
	namespace string
	granted   chan struct{}
}

// NewSyncLimiter allows n concurrent syncs (at least one).
func NewSyncLimiter(n int) *SyncLimiter {
	return &SyncLimiter{slots: max(n, 1), held: map[string]int{}, queues: map[string][]*syncWaiter{}, deferred: map[string][]deferredSync{}}
}

// Acquire waits for a slot for a sync of a repository of namespace;
// release it when the sync is done. It returns the context's error if the
// context ends first, holding nothing.
func (l *SyncLimiter) Acquire(ctx context.Context, namespace string) (release func(), err error) {
	l.mu.Lock()
	w := l.enqueue(namespace)
	l.mu.Unlock()
	return l.wait(ctx, w)
}

// AcquireOrDefer is Acquire for the sync of the Repository key, unless
// another sync of its namespace waits for a slot already: then it returns
// ErrDeferred at once, and calls wake(key) once no sync of the namespace
// waits any longer, for the caller to come back and ask again. wake is
// called with the limiter locked: it must return at once, and not call
// the limiter.
func (l *SyncLimiter) AcquireOrDefer(ctx context.Context, key types.NamespacedName, wake func(types.NamespacedName)) (release func(), err error) {
	l.mu.Lock()
	if len(l.queues[key.Namespace]) > 0 {
		d := l.deferred[key.Namespace]
		if i := slices.IndexFunc(d, func(s deferredSync) bool { return s.key == key }); i >= 0 {
			d[i].wake = wake
		} else {
			l.deferred[key.Namespace] = append(d, deferredSync{key: key, wake: wake})
		}
		l.mu.Unlock()
		return nil, ErrDeferred
	}
	// Back before it was woken (its own requeue): it needs no waking now.
	if d := slices.DeleteFunc(l.deferred[key.Namespace], func(s deferredSync) bool { return s.key == key }); len(d) > 0 {
		l.deferred[key.Namespace] = d
	} else {
		delete(l.deferred, key.Namespace)
	}
	w := l.enqueue(key.Namespace)
	l.mu.Unlock()
	return l.wait(ctx, w)
}

// enqueue queues a sync of namespace and grants what it can. The caller holds mu.
func (l *SyncLimiter) enqueue(namespace string) *syncWaiter {
	w := &syncWaiter{namespace: namespace, granted: make(chan struct{})}
	l.queues[namespace] = append(l.queues[namespace], w)
	if len(l.queues[namespace]) == 1 {
		l.turn = append(l.turn, namespace)
	}
	syncsWaiting.Inc()
	l.dispatch()
	return w
}

// wait waits until w is granted a slot, or ctx ends.
func (l *SyncLimiter) wait(ctx context.Context, w *syncWaiter) (release func(), err error) {
	namespace := w.namespace
	select {
	case <-w.granted:
		return l.releaser(namespace), nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-w.granted:
		// Granted as the context ended: the slot goes to the next in turn.
		l.free(namespace)
	default:
		l.leave(w)
	}
	return nil, ctx.Err()
}

// releaser returns the function that gives up one slot of namespace, once.
func (l *SyncLimiter) releaser(namespace string) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.free(namespace)
		})
	}
}

// share is how many slots namespace may hold before it waits: all of them
// while no other namespace waits, else half of them, rounded up.
func (l *SyncLimiter) share(namespace string) int {
	for _, other := range l.turn {
		if other != namespace {
			return (l.slots + 1) / 2
		}
	}
	return l.slots
}

// dispatch grants free slots to waiting syncs: each to the oldest sync of
// the first namespace in turn that is under its share. The caller holds mu.
func (l *SyncLimiter) dispatch() {
	for l.inUse < l.slots {
		i := slices.IndexFunc(l.turn, func(ns string) bool { return l.held[ns] < l.share(ns) })
		if i < 0 {
			return
		}
		ns := l.turn[i]
		w := l.queues[ns][0]
		l.queues[ns] = l.queues[ns][1:]
		l.turn = slices.Delete(l.turn, i, i+1)
		if len(l.queues[ns]) > 0 {
			l.turn = append(l.turn, ns)
		} else {
			delete(l.queues, ns)
			l.wakeNext(ns)
		}
		l.inUse++
		l.held[ns]++
		l.peak = max(l.peak, l.inUse)
		syncsWaiting.Dec()
		syncsInFlight.Inc()
		close(w.granted)
	}
}

// free gives up one slot of namespace and hands it on. The caller holds mu.
func (l *SyncLimiter) free(namespace string) {
	l.inUse--
	if l.held[namespace]--; l.held[namespace] == 0 {
		delete(l.held, namespace)
	}
	syncsInFlight.Dec()
	l.dispatch()
}

// leave takes a sync that stopped waiting out of its queue; its namespace
// may have been all that held others to their share. The caller holds mu.
func (l *SyncLimiter) leave(w *syncWaiter) {
	ns := w.namespace
	l.queues[ns] = slices.DeleteFunc(l.queues[ns], func(q *syncWaiter) bool { return q == w })
	if len(l.queues[ns]) == 0 {
		delete(l.queues, ns)
		l.turn = slices.DeleteFunc(l.turn, func(t string) bool { return t == ns })
		l.wakeNext(ns)
	}
	syncsWaiting.Dec()
	l.dispatch()
}

// wakeNext wakes the oldest deferred sync of namespace, whose turn to wait
// it is now. The caller holds mu.
func (l *SyncLimiter) wakeNext(namespace string) {
	d := l.deferred[namespace]
	if len(d) == 0 {
		return
	}
	next := d[0]
	if len(d) == 1 {
		delete(l.deferred, namespace)
	} else {
		l.deferred[namespace] = d[1:]
	}
	if next.wake != nil {
		next.wake(next.key)
	}
}

// Peak is the largest number of syncs that ran at once.
func (l *SyncLimiter) Peak() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peak
}
