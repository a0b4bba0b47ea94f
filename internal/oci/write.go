package oci

import (
	"context"
	"fmt"

	"github.com/go-logr/logr"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/backend"
)

// Write pushes img as tag of package pkg if the tag is where the caller
// last saw it: at digest expect, or absent when expect is the zero Hash.
// It returns the digest written. A tag found elsewhere is
// backend.ErrConflict and nothing is written.
//
// OCI registries have no compare-and-swap (no If-Match on a manifest PUT),
// so Write checks, pushes, then checks again:
//   - Within this process, writes to a package are serialised, so of two
//     writers expecting the same digest exactly one wins.
//   - Across processes there is a window between the first HEAD and the
//     PUT. A writer that lands in it is overwritten by this one: it sees
//     the conflict only if its own confirming HEAD comes after this PUT.
//     One that pushes after this PUT but before the confirming HEAD is
//     detected here (ErrConflict: this write was lost). Two writers can
//     therefore both succeed only if their check-push-confirm sequences
//     interleave exactly; run one writer per Repository (leader election)
//     to rule it out.
//
// A first tag (expect zero) adds the package to the index image before it
// is pushed, so that a registry without a catalog lists it; an index entry
// without tags is harmless, a tag missing from the index is not.
func (s *Store) Write(ctx context.Context, pkg, tag string, img v1.Image, expect v1.Hash) (v1.Hash, error) {
	ref, unlock, err := s.lockTag(ctx, pkg, tag)
	if err != nil {
		return v1.Hash{}, err
	}
	defer unlock()
	if expect == (v1.Hash{}) {
		if err := s.AddToIndex(ctx, pkg); err != nil {
			return v1.Hash{}, err
		}
	}
	return s.write(ctx, ref, img, expect)
}

// write is Write's check, push and confirm, for a caller holding the lock.
func (s *Store) write(ctx context.Context, ref name.Tag, img v1.Image, expect v1.Hash) (v1.Hash, error) {
	want, err := img.Digest()
	if err != nil {
		return v1.Hash{}, fmt.Errorf("image %s: computing the digest to write: %w", ref, err)
	}
	current, err := s.head(ctx, ref)
	if err != nil {
		return v1.Hash{}, err
	}
	if current != expect {
		return v1.Hash{}, fmt.Errorf("%w: image %s is %s, expected %s; nothing was written",
			backend.ErrConflict, ref, digestText(current), digestText(expect))
	}
	if err := remote.Write(ref, img, s.options(ctx)...); err != nil {
		return v1.Hash{}, s.fail("image "+ref.String(), err)
	}
	after, err := s.head(ctx, ref)
	if err != nil {
		return v1.Hash{}, err
	}
	if after != want {
		return v1.Hash{}, fmt.Errorf("%w: image %s is %s right after this write of %s: another writer replaced it",
			backend.ErrConflict, ref, digestText(after), want)
	}
	return want, nil
}

// WritePublished writes tag of package pkg, which must be at expect, as
// the image build makes for the next revision number of the package (see
// NextRevision), and returns its digest and number. The number is chosen
// and written under the package's write lock, so that two publications of
// the package in this process never take the same one; across processes,
// see Write. The number is then kept in the index, where it outlives a
// deletion of the tag by any client; should that fail, the tag holds the
// number, and Delete keeps it before deleting the tag. The package's latest
// tag moves to it (see latest.go).
func (s *Store) WritePublished(ctx context.Context, pkg, tag string, expect v1.Hash, build func(revision int) (v1.Image, error)) (v1.Hash, int, error) {
	ref, unlock, err := s.lockTag(ctx, pkg, tag)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	defer unlock()
	n, err := s.NextRevision(ctx, pkg)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	img, err := build(n)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	digest, err := s.write(ctx, ref, img, expect)
	if err != nil {
		return v1.Hash{}, 0, err
	}
	log := logr.FromContextOrDiscard(ctx)
	if err := s.RaiseRevisionMark(ctx, pkg, n); err != nil {
		log.Error(err, "Keeping a published revision's number in the index failed; its tag keeps it", "package", pkg, "revision", n)
	}
	if err := s.moveLatest(ctx, pkg, img); err != nil {
		log.Error(err, "Moving the package's latest tag to its newest revision failed; the next publication moves it", "package", pkg, "revision", n)
	}
	return digest, n, nil
}
