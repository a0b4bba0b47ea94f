package outcome

import (
	"testing"
	"time"
)

func TestJitterStaysWithinATenth(t *testing.T) {
	const d = 10 * time.Minute
	low, high := d, d
	for range 10000 {
		j := Jitter(d)
		if j < d-d/10 || j > d+d/10 {
			t.Fatalf("Jitter(%v) = %v, outside ±10%%", d, j)
		}
		low, high = min(low, j), max(high, j)
	}
	if high-low < d/10 {
		t.Errorf("Jitter(%v) spread only over %v..%v: it should use most of ±10%%", d, low, high)
	}
	for _, d := range []time.Duration{0, -time.Second} {
		if got := Jitter(d); got != 0 {
			t.Errorf("Jitter(%v) = %v, want 0", d, got)
		}
	}
}
