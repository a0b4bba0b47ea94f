package repository

import (
	"testing"
	"time"
)

// TestSyncRequestsNeverBlockNorDrop fills the buffer twice over with no
// reader: every Request returns at once, and every request is delivered
// once the channel is read.
func TestSyncRequestsNeverBlockNorDrop(t *testing.T) {
	s := NewSyncRequests()
	const n = 2 * syncRequestBuffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range n {
			s.Request("ns", "repo")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Request blocked with a full buffer")
	}
	for i := range n {
		select {
		case ev := <-s.ch:
			if ev.Object.GetNamespace() != "ns" || ev.Object.GetName() != "repo" {
				t.Fatalf("request %d is for %s/%s", i, ev.Object.GetNamespace(), ev.Object.GetName())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d requests were delivered", i, n)
		}
	}
}
