package pod

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/porch-dev/porch/runner"
)

// slot is one pod of a function, which runs one call at a time. A slot is
// owned by the evaluation that holds it busy, or, while idle, by its pool
// under Evaluator.mu; only the owner touches the fields below busy.
type slot struct {
	name  string
	image string

	// Guarded by Evaluator.mu.
	busy     bool
	lastUsed time.Time

	// created says the pod was made (or adopted): it exists unless
	// someone else deleted it.
	created bool
	// client is nil until the pod is ready and its wrapper server answers.
	// While the slot is in its pool, it is set under Evaluator.mu, for the
	// pods gauge to tell a starting pod from a busy one.
	client *runner.Client
	// touched is when the pod's last-used annotation was last written.
	touched time.Time
	// making is when the call holding the slot decided to make its pod,
	// until the pod answers or fails; zero otherwise.
	making time.Time
}

// pool holds an image's slots: at most Evaluator.maxPods, counting those
// whose pod is still being made.
type pool struct {
	slots []*slot
	// wake is closed, and replaced, whenever a slot is freed or removed.
	wake chan struct{}
	// failures counts the pods that failed to become ready, and lastErr
	// is the latest failure: calls that waited for the pool while a pod
	// failed return its error rather than each making a pod that fails
	// the same way.
	failures int
	lastErr  error
}

// acquire returns a slot of image held busy: an idle one, or a new one
// (with no pod yet) if the image has fewer than its maximum and the
// evaluator fewer than its own (taking, at that bound, the place of the
// pod of another image idle the longest); otherwise it waits for a slot
// to be freed, until ctx ends.
func (e *Evaluator) acquire(ctx context.Context, image string) (*slot, error) {
	e.mu.Lock()
	for {
		p := e.poolLocked(image)
		for _, s := range p.slots {
			if !s.busy {
				s.busy = true
				e.mu.Unlock()
				return s, nil
			}
		}
		wake, waitingFor := p.wake, fmt.Sprintf("one of its %d pods (--max-pods-per-function) to be free", e.maxPods)
		if len(p.slots) < e.maxPods {
			victim, full := e.makeRoomLocked()
			if !full {
				s := &slot{name: podName(image), image: image, busy: true}
				p.slots = append(p.slots, s)
				e.mu.Unlock()
				if victim != nil {
					e.dispose(victim, "making room for "+image+" under --max-pods")
				}
				return s, nil
			}
			wake, waitingFor = e.wakeAny, fmt.Sprintf("one of the runner's %d pods (--max-pods), all busy, to be free", e.maxTotal)
		}
		failures := p.failures
		e.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("function %q: waiting for %s: %w", image, waitingFor, ctx.Err())
		case <-wake:
		}
		e.mu.Lock()
		if p.failures != failures {
			err := p.lastErr
			e.mu.Unlock()
			return nil, err
		}
	}
}

// makeRoomLocked makes room for one more pod under maxTotal: nothing to
// do under the bound; at it, the idle slot used the longest ago is taken
// out of its pool and returned, for the caller to dispose of its pod
// outside the lock. full says every pod is busy.
func (e *Evaluator) makeRoomLocked() (victim *slot, full bool) {
	if e.maxTotal == 0 {
		return nil, false
	}
	total := 0
	for _, p := range e.pools {
		for _, s := range p.slots {
			total++
			if !s.busy && (victim == nil || s.lastUsed.Before(victim.lastUsed)) {
				victim = s
			}
		}
	}
	if total < e.maxTotal {
		return nil, false
	}
	if victim == nil {
		return nil, true
	}
	e.takeLocked(victim, nil)
	return victim, false
}

// poolLocked returns image's pool, made on first use. Pools are never
// removed, so a waiter's pool is always the image's pool.
func (e *Evaluator) poolLocked(image string) *pool {
	p, ok := e.pools[image]
	if !ok {
		p = &pool{wake: make(chan struct{})}
		e.pools[image] = p
	}
	return p
}

// release frees a busy slot for the next call.
func (e *Evaluator) release(s *slot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s.busy = false
	s.lastUsed = time.Now()
	e.wakeLocked(e.pools[s.image])
}

// takeLocked removes s from its pool, recording failure, if any, for the
// calls waiting on the pool. The caller then owns s.
func (e *Evaluator) takeLocked(s *slot, failure error) {
	p := e.pools[s.image]
	p.slots = slices.DeleteFunc(p.slots, func(o *slot) bool { return o == s })
	if failure != nil {
		p.failures++
		p.lastErr = failure
	}
	e.wakeLocked(p)
}

// wakeLocked wakes the calls waiting on p, and those waiting on any
// pool's slot for room under maxTotal.
func (e *Evaluator) wakeLocked(p *pool) {
	close(p.wake)
	p.wake = make(chan struct{})
	close(e.wakeAny)
	e.wakeAny = make(chan struct{})
}

// remove takes a busy slot out of its pool and deletes its pod, which
// failed (failure) or is no longer wanted (why).
func (e *Evaluator) remove(s *slot, failure error, why string) {
	e.mu.Lock()
	e.takeLocked(s, failure)
	e.mu.Unlock()
	e.dispose(s, why)
}
