package exec

import (
	"bytes"
	"errors"
)

// errLimit is what a boundedBuffer returns once full: the process's output
// copy stops and the process is killed.
var errLimit = errors.New("output limit reached")

// boundedBuffer keeps at most limit bytes and calls onFull once when a write
// would pass it, so that a function flooding its output is stopped early
// rather than held in memory.
type boundedBuffer struct {
	buf    bytes.Buffer
	limit  int
	full   bool
	onFull func()
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if b.full {
		return 0, errLimit
	}
	if b.buf.Len()+len(p) > b.limit {
		b.full = true
		b.onFull()
		return 0, errLimit
	}
	return b.buf.Write(p)
}
