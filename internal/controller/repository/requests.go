package repository

import (
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// syncRequestBuffer is how many requests wait in the channel before Request
// hands one to a goroutine. The controller drains the channel continuously
// into its work queue, which merges requests for one Repository, so the
// buffer only absorbs bursts.
const syncRequestBuffer = 1024

// SyncRequests lets another controller of the process ask for a Repository
// to be reconciled now, typically right after it wrote to the repository's
// git, so that what the write changed (the latest-revision label, the
// PorchPackage, the branch placeholder revisions) converges at once rather
// than on the next scheduled sync.
//
// A requested reconcile is an ordinary one: it lists the remote's refs,
// and syncs only when they moved since the last complete sync. A request
// made while the Repository is being reconciled is served by another
// reconcile after that one. Requests are never dropped.
//
// Requests leave the schedule as it was: planSync works out a cron
// schedule's next time and a pending spec.sync.runOnceAt from the spec and
// status alone, whenever the reconcile runs. The work queue holds one entry
// per Repository, so a request replaces the queued regular reconcile, and
// the regular interval then counts from the requested one, which checked
// the refs just as the regular one would have.
type SyncRequests struct {
	ch chan event.GenericEvent
	// full holds the Repositories asked for a full sync: one that reads
	// and writes everything even when the refs did not move.
	full sync.Map
}

// NewSyncRequests returns a SyncRequests for the Repository controller to watch.
func NewSyncRequests() *SyncRequests {
	return &SyncRequests{ch: make(chan event.GenericEvent, syncRequestBuffer)}
}

// Request asks for the Repository namespace/name to be reconciled. It never
// blocks: when the buffer is full, a goroutine waits to deliver the
// request. Requests are delivered once the controller runs, and only in
// the process whose controllers hold the leader lease, which is also the
// only one whose controllers write.
func (s *SyncRequests) Request(namespace, name string) {
	ev := event.GenericEvent{Object: &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name}}}
	select {
	case s.ch <- ev:
	default:
		go func() { s.ch <- ev }()
	}
}

// RequestFull asks for a sync of the Repository namespace/name that runs
// even when the remote's refs did not move: after a change of the objects
// that a sync of unchanged refs would not see, such as a revision the
// authoring controller adopted.
func (s *SyncRequests) RequestFull(namespace, name string) {
	s.full.Store(types.NamespacedName{Namespace: namespace, Name: name}, true)
	s.Request(namespace, name)
}

// wantsFull says whether a full sync was asked for the Repository.
func (s *SyncRequests) wantsFull(key types.NamespacedName) bool {
	if s == nil {
		return false
	}
	_, asked := s.full.Load(key)
	return asked
}

// wake asks for the Repository key to be reconciled: see SyncLimiter.AcquireOrDefer.
func (s *SyncRequests) wake(key types.NamespacedName) {
	s.Request(key.Namespace, key.Name)
}

// takeFull says whether a full sync was asked for the Repository, and
// forgets the request.
func (s *SyncRequests) takeFull(key types.NamespacedName) bool {
	if s == nil {
		return false
	}
	_, asked := s.full.LoadAndDelete(key)
	return asked
}

// source is what the controller watches: each request enqueues its Repository.
func (s *SyncRequests) source() source.Source {
	return source.Channel(s.ch, &handler.EnqueueRequestForObject{})
}
