package git

import (
	"context"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"

	"github.com/porch-dev/porch/internal/backend"
)

// go-git's pack parser, which stores a fetched pack, holds each object
// whole in memory while it resolves deltas, keeps some hundred bytes of
// bookkeeping per object, and has no limit of its own. A pack within the
// byte limit can still be a bomb: a file of zeros compresses a
// thousandfold, and a delta a few bytes long can copy its base into an
// object of gigabytes. So a received pack is scanned before go-git stores
// it, and refused when unpacking it would cost more than these allow.
const (
	// packBytesPerObject is the pack bytes each object may stand for: a
	// pack of limit bytes may hold limit/packBytesPerObject objects.
	packBytesPerObject = 512
	// maxUnpackFactor bounds the bytes all objects unpack to, at this many
	// times the limit: enough for the history of a file edited many times
	// (each version a delta unpacked in full), not for a delta bomb.
	maxUnpackFactor = 64
	// deltaHeaderBytes is enough of a delta to hold its header: the base's
	// size and the result's, two varints of at most 10 bytes each.
	deltaHeaderBytes = 20
)

// checkPack reads the pack in r and refuses it, wrapping
// backend.ErrSourceTooLarge, when it holds more than limit/512 objects,
// an object that unpacks to more than limit bytes, or objects that unpack
// to more than 64 times limit together. The sizes are the ones the pack
// declares, which go-git holds the content to when it unpacks it. A limit
// of 0 or less checks nothing.
func checkPack(ctx context.Context, r io.Reader, limit int64) error {
	if limit <= 0 {
		return nil
	}
	sc := packfile.NewScanner(r)
	_, count, err := sc.Header()
	if err != nil {
		return fmt.Errorf("reading the pack received: %w", err)
	}
	if maxObjects := limit / packBytesPerObject; int64(count) > maxObjects {
		return fmt.Errorf("%w: the pack received holds %d objects, over the %d that a limit of %d bytes allows",
			backend.ErrSourceTooLarge, count, maxObjects, limit)
	}
	var unpacked int64
	for range count {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := sc.NextObjectHeader()
		if err != nil {
			return fmt.Errorf("reading the pack received: %w", err)
		}
		size := h.Length
		head := &headWriter{}
		if _, _, err := sc.NextObject(head); err != nil {
			return fmt.Errorf("reading the pack received: %w", err)
		}
		if h.Type.IsDelta() {
			target, ok := deltaTargetSize(head.bytes)
			if !ok {
				return fmt.Errorf("reading the pack received: a delta at offset %d has no valid header", h.Offset)
			}
			unpacked += size // the delta itself is unpacked, then applied
			size = target
		}
		if size > limit {
			return fmt.Errorf("%w: the pack received holds an object of %d bytes, over the limit of %d",
				backend.ErrSourceTooLarge, size, limit)
		}
		if unpacked += size; unpacked > maxUnpackFactor*limit {
			return fmt.Errorf("%w: the objects of the pack received unpack to more than %d bytes, %d times the limit of %d",
				backend.ErrSourceTooLarge, maxUnpackFactor*limit, maxUnpackFactor, limit)
		}
	}
	return nil
}

// headWriter keeps the first deltaHeaderBytes written to it and discards
// the rest.
type headWriter struct{ bytes []byte }

func (w *headWriter) Write(p []byte) (int, error) {
	if room := deltaHeaderBytes - len(w.bytes); room > 0 {
		w.bytes = append(w.bytes, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// deltaTargetSize reads the size of the object a delta makes: the second
// of the two little-endian base-128 varints that start it, after the
// base's size.
func deltaTargetSize(delta []byte) (int64, bool) {
	_, rest, ok := uvarint(delta)
	if !ok {
		return 0, false
	}
	size, _, ok := uvarint(rest)
	return size, ok
}

// uvarint decodes git's delta-header varint: 7 bits a byte, least
// significant first, the high bit saying another byte follows.
func uvarint(b []byte) (int64, []byte, bool) {
	var v uint64
	for i, c := range b {
		if i == 9 {
			return 0, nil, false // more than 63 bits: no real size
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return int64(v), b[i+1:], true
		}
	}
	return 0, nil, false
}
