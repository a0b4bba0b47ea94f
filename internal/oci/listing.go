package oci

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/errgroup"

	"github.com/porch-dev/porch/internal/backend"
)

// Entry is one revision tag of one package, as a listing found it.
type Entry struct {
	Package string
	Tag     string
	Digest  v1.Hash
}

// Ref is the entry's short reference, package:tag, as messages and the
// mirrored revisions name it.
func (e Entry) Ref() string { return e.Package + ":" + e.Tag }

// Listing is every revision tag under a registry path, sorted by package
// and tag.
type Listing []Entry

// Hash identifies the listing: it changes when a tag is added, removed or
// moved to another manifest, and only then.
func (l Listing) Hash() string {
	h := sha256.New()
	for _, e := range l {
		fmt.Fprintf(h, "%s\t%s\t%s\n", e.Package, e.Tag, e.Digest)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// List reads where every revision tag under the registry path points, and
// each package's latest tag (see latest.go): the packages (see Packages),
// each one's tags, and each tag's digest, with
// at most workers requests at once. That is all a sync needs to know
// whether anything changed: one catalog or index read, one tag listing
// per package and one HEAD per tag, none of which carries content. A
// package or tag deleted while it is listed is left out.
func (s *Store) List(ctx context.Context, workers int) (Listing, error) {
	pkgs, err := s.Packages(ctx)
	if err != nil {
		return nil, err
	}
	tagsOf := make([][]Tag, len(pkgs))
	if err := forEach(ctx, len(pkgs), workers, func(ctx context.Context, i int) error {
		tags, err := s.allTags(ctx, pkgs[i])
		if errors.Is(err, backend.ErrRefNotFound) {
			return nil
		}
		tagsOf[i] = tags
		return err
	}); err != nil {
		return nil, err
	}
	var l Listing
	for i, tags := range tagsOf {
		for _, t := range tags {
			l = append(l, Entry{Package: pkgs[i], Tag: t.Name})
		}
	}
	if err := forEach(ctx, len(l), workers, func(ctx context.Context, i int) error {
		repo, err := s.repository(l[i].Package)
		if err != nil {
			return err
		}
		// A listing reads latest too, which a workspace's Head refuses.
		l[i].Digest, err = s.head(ctx, repo.Tag(l[i].Tag))
		return err
	}); err != nil {
		return nil, err
	}
	l = slices.DeleteFunc(l, func(e Entry) bool { return e.Digest == (v1.Hash{}) })
	slices.SortFunc(l, func(a, b Entry) int {
		return strings.Compare(a.Package+"\x00"+a.Tag, b.Package+"\x00"+b.Tag)
	})
	return l, nil
}

// forEach calls do for 0..n-1 with at most workers calls at once, and
// returns the first error, cancelling the calls not yet made.
func forEach(ctx context.Context, n, workers int, do func(context.Context, int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(workers, 1))
	for i := range n {
		g.Go(func() error { return do(ctx, i) })
	}
	return g.Wait()
}
