package oci

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/backend"
)

// Tag is one revision of a package: a tag named after its workspace.
type Tag struct {
	Name string
}

// Tags lists the revisions of package pkg, sorted, without "latest". A
// package the registry does not know is backend.ErrRefNotFound.
func (s *Store) Tags(ctx context.Context, pkg string) ([]Tag, error) {
	tags, err := s.allTags(ctx, pkg)
	return slices.DeleteFunc(tags, func(t Tag) bool { return t.Name == LatestTag }), err
}

// allTags lists every tag of package pkg, sorted, "latest" included.
func (s *Store) allTags(ctx context.Context, pkg string) ([]Tag, error) {
	repo, err := s.repository(pkg)
	if err != nil {
		return nil, err
	}
	names, err := remote.List(repo, s.options(ctx)...)
	if err != nil {
		return nil, s.fail("repository "+repo.String(), err)
	}
	slices.Sort(names)
	tags := make([]Tag, 0, len(names))
	for _, n := range names {
		tags = append(tags, Tag{Name: n})
	}
	return tags, nil
}

// Head is the digest tag of package pkg points at, from one HEAD request.
// A registry's HEAD carries no annotations: see Manifest.
func (s *Store) Head(ctx context.Context, pkg, tag string) (v1.Hash, error) {
	ref, err := s.tag(pkg, tag)
	if err != nil {
		return v1.Hash{}, err
	}
	desc, err := remote.Head(ref, s.options(ctx)...)
	if err != nil {
		return v1.Hash{}, s.fail("image "+ref.String(), err)
	}
	return desc.Digest, nil
}

// Manifest reads what a revision's manifest says (digest, lifecycle,
// number, time, source) with one GET, without pulling its layer: enough to
// list revisions.
func (s *Store) Manifest(ctx context.Context, pkg, tag string) (Metadata, error) {
	ref, err := s.tag(pkg, tag)
	if err != nil {
		return Metadata{}, err
	}
	return s.manifest(ctx, ref)
}

func (s *Store) manifest(ctx context.Context, ref name.Tag) (Metadata, error) {
	desc, err := remote.Get(ref, s.options(ctx)...)
	if err != nil {
		return Metadata{}, s.fail("image "+ref.String(), err)
	}
	if !desc.MediaType.IsImage() {
		return Metadata{}, invalidImage(ref.String(), "is a %s, not an image manifest", desc.MediaType)
	}
	m, err := v1.ParseManifest(bytes.NewReader(desc.Manifest))
	if err != nil {
		return Metadata{}, invalidImage(ref.String(), "has a manifest that does not parse")
	}
	return parseMetadata(ref.String(), desc.Digest, m)
}

// Read pulls and validates a revision (see ReadImage), within the Store's
// MaxPackageBytes, and returns the digest it read.
func (s *Store) Read(ctx context.Context, pkg, tag string) (Package, v1.Hash, error) {
	ref, err := s.tag(pkg, tag)
	if err != nil {
		return Package{}, v1.Hash{}, err
	}
	return s.readRef(ctx, ref)
}

// readRef reads the package image ref names, and its digest.
func (s *Store) readRef(ctx context.Context, ref name.Reference) (Package, v1.Hash, error) {
	desc, err := remote.Get(ref, s.options(ctx)...)
	if err != nil {
		return Package{}, v1.Hash{}, s.fail("image "+ref.String(), err)
	}
	if !desc.MediaType.IsImage() {
		return Package{}, v1.Hash{}, invalidImage(ref.String(), "is a %s, not an image manifest", desc.MediaType)
	}
	img, err := desc.Image()
	if err != nil {
		return Package{}, v1.Hash{}, s.fail("image "+ref.String(), err)
	}
	p, err := ReadImage(ref.String(), img, s.maxBytes)
	if err != nil {
		if errors.Is(err, backend.ErrInvalidPackage) || errors.Is(err, backend.ErrSourceTooLarge) {
			return Package{}, v1.Hash{}, err
		}
		return Package{}, v1.Hash{}, s.fail("image "+ref.String(), err)
	}
	return p, desc.Digest, nil
}

// TaggedRevision is a tag of a package and what its manifest says.
type TaggedRevision struct {
	Tag string
	Metadata
}

// revisionReaders bounds the manifests Revisions reads at once.
const revisionReaders = 8

// Revisions lists the tags of package pkg with what each manifest says
// (digest, lifecycle, number), sorted by tag; a tag deleted since the
// listing is left out. A package the registry does not know is
// backend.ErrRefNotFound.
func (s *Store) Revisions(ctx context.Context, pkg string) ([]TaggedRevision, error) {
	tags, err := s.Tags(ctx, pkg)
	if err != nil {
		return nil, err
	}
	revs := make([]TaggedRevision, len(tags))
	err = forEach(ctx, len(tags), revisionReaders, func(ctx context.Context, i int) error {
		md, err := s.Manifest(ctx, pkg, tags[i].Name)
		if errors.Is(err, backend.ErrRefNotFound) {
			return nil // deleted since the listing
		}
		revs[i] = TaggedRevision{Tag: tags[i].Name, Metadata: md}
		return err
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(revs, func(r TaggedRevision) bool { return r.Tag == "" }), nil
}

// NextRevision is the number the next published revision of package pkg
// takes: one more than the highest kpt.dev/revision among its tags and the
// number the index keeps for it (see RaiseRevisionMark), so that a number
// whose tag was deleted is not given again; 1 for a package with none. It
// reserves nothing: two publications of the same package computed at once
// get the same number, so the caller publishes a package's revisions one
// at a time (see WritePublished).
func (s *Store) NextRevision(ctx context.Context, pkg string) (int, error) {
	highest, err := s.revisionMark(ctx, pkg)
	if err != nil {
		return 0, err
	}
	revs, err := s.Revisions(ctx, pkg)
	if err != nil && !errors.Is(err, backend.ErrRefNotFound) {
		return 0, fmt.Errorf("finding the next revision of package %s: %w", pkg, err)
	}
	for _, r := range revs {
		highest = max(highest, r.Revision)
	}
	return highest + 1, nil
}
