//go:build !linux

package isolation

import "runtime/debug"

// limitChild can only ask the garbage collector to keep under n outside
// Linux: the limit is soft there (see the README's design notes).
func limitChild(n int64) error {
	debug.SetMemoryLimit(n)
	return nil
}
