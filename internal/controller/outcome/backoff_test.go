package outcome

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

func TestBackoffDoublesPerObjectUntilForgotten(t *testing.T) {
	b := NewBackoff(100*time.Millisecond, time.Second)
	hot, other := types.NamespacedName{Namespace: "a", Name: "hot"}, types.NamespacedName{Namespace: "b", Name: "other"}
	var got []time.Duration
	for range 6 {
		got = append(got, b.Retry(hot))
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("retries of one object wait %v, want %v", got, want)
		}
	}
	if d := b.Retry(other); d != 100*time.Millisecond {
		t.Fatalf("another object's first retry waits %v: one object's losses slowed it", d)
	}
	b.Forget(hot)
	if d := b.Retry(hot); d != 100*time.Millisecond {
		t.Fatalf("after Forget, the first retry waits %v, want 100ms", d)
	}
}
