package repository

import (
	"context"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	syncsInFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "porch_repository_syncs_in_flight",
		Help: "Repository syncs fetching or writing objects right now.",
	})
	syncDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "porch_repository_sync_duration_seconds",
		Help:    "Time a repository sync took, by result: unchanged (one ref listing), synced, failed.",
		Buckets: prometheus.ExponentialBuckets(0.005, 4, 9),
	}, []string{"result"})
	syncWrites = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "porch_repository_sync_object_writes_total",
		Help: "Creates, updates and deletes of mirrored objects made by repository syncs.",
	})
)

func init() {
	metrics.Registry.MustRegister(syncsInFlight, syncDuration, syncWrites)
}

// SyncLimiter bounds how many repositories fetch and write at once across
// the manager, so that many repositories never all sync together.
type SyncLimiter struct {
	slots chan struct{}
	mu    sync.Mutex
	now   int
	peak  int
}

// NewSyncLimiter allows n concurrent syncs (at least one).
func NewSyncLimiter(n int) *SyncLimiter {
	return &SyncLimiter{slots: make(chan struct{}, max(n, 1))}
}

// Acquire waits for a slot; release it when the sync is done.
func (l *SyncLimiter) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	l.mu.Lock()
	l.now++
	l.peak = max(l.peak, l.now)
	l.mu.Unlock()
	syncsInFlight.Inc()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			l.now--
			l.mu.Unlock()
			syncsInFlight.Dec()
			<-l.slots
		})
	}, nil
}

// Peak is the largest number of syncs that ran at once.
func (l *SyncLimiter) Peak() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.peak
}
