package outcome

import (
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
)

// Backoff spaces out the retries of an object that keeps losing races
// (write conflicts, a sync whose objects changed under it): the first
// retry comes soon, each one after it waits twice as long, up to a
// maximum, until the object gets through and is forgotten. It is kept per
// object, so that one busy object never slows the others, and it is safe
// for concurrent use.
type Backoff struct {
	limiter workqueue.TypedRateLimiter[types.NamespacedName]
}

// NewBackoff waits first at the first retry, and at most most.
func NewBackoff(first, most time.Duration) *Backoff {
	return &Backoff{limiter: workqueue.NewTypedItemExponentialFailureRateLimiter[types.NamespacedName](first, max(first, most))}
}

// Conflict retries: the first soon, since the other writer is usually
// done by then, then backing off so that a hot object does not turn into
// a loop of rejected writes.
const (
	ConflictRetryFirst = 100 * time.Millisecond
	ConflictRetryMax   = time.Minute
)

// NewConflictBackoff is the Backoff of write conflicts.
func NewConflictBackoff() *Backoff { return NewBackoff(ConflictRetryFirst, ConflictRetryMax) }

// Retry says how long key waits before its next try, counting this one.
func (b *Backoff) Retry(key types.NamespacedName) time.Duration { return b.limiter.When(key) }

// Forget starts key over: it got through.
func (b *Backoff) Forget(key types.NamespacedName) { b.limiter.Forget(key) }
