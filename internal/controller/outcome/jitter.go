package outcome

import (
	"math/rand/v2"
	"time"
)

// Jitter spreads what many objects wait for over ±10% of d, so that they
// do not all come back at once.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d - d/10 + time.Duration(rand.Int64N(int64(d/5)+1))
}
