package oci

import (
	"context"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// A package's latest tag points at its newest published revision, as
// image tools expect of latest (crane pull, docker pull): the product
// moves it at every publication, and the sync mirrors it as the package's
// placeholder revision, <repo>.<package>.latest, as a git repository's
// registered branch gives <repo>.<package>.<branch>. It is never a
// workspace. Its manifest is the published revision's with one more
// annotation, org.opencontainers.image.ref.name: latest, and so has a
// digest of its own: a registry that deletes only by digest (see Delete)
// can then delete the revision's tag without taking latest with it. The
// config and layer are the revision's, so moving latest pushes a manifest
// only.

// latestRef is package pkg's latest tag.
func (s *Store) latestRef(pkg string) (name.Tag, error) {
	repo, err := s.repository(pkg)
	if err != nil {
		return name.Tag{}, err
	}
	return repo.Tag(LatestTag), nil
}

// moveLatest points package pkg's latest tag at the published revision
// img, wherever it was; the caller holds the package's write lock.
func (s *Store) moveLatest(ctx context.Context, pkg string, img v1.Image) error {
	ref, err := s.latestRef(pkg)
	if err != nil {
		return err
	}
	current, err := s.head(ctx, ref)
	if err != nil {
		return err
	}
	_, err = s.write(ctx, ref, asLatest(img), current)
	return err
}

func asLatest(img v1.Image) v1.Image {
	return mutate.Annotations(img, map[string]string{ocispec.AnnotationRefName: LatestTag}).(v1.Image)
}

// LatestHead is the digest package pkg's latest tag points at; the zero
// Hash when it has none.
func (s *Store) LatestHead(ctx context.Context, pkg string) (v1.Hash, error) {
	ref, err := s.latestRef(pkg)
	if err != nil {
		return v1.Hash{}, err
	}
	return s.head(ctx, ref)
}

// DeleteLatest deletes package pkg's latest tag if it points at digest
// expect (any when zero), as the deletion of the package's placeholder
// revision asks; absent is backend.ErrRefNotFound.
func (s *Store) DeleteLatest(ctx context.Context, pkg string, expect v1.Hash) error {
	ref, err := s.latestRef(pkg)
	if err != nil {
		return err
	}
	unlock, err := s.lockRef(ctx, ref)
	if err != nil {
		return err
	}
	defer unlock()
	return s.deleteTag(ctx, pkg, ref, expect)
}
