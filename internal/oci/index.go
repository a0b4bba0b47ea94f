package oci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/backend"
)

// The index image, <registry path>/porch-index:latest, lists the packages
// for registries that refuse the catalog (see Packages), and keeps the
// highest revision number each package has given (see NextRevision), so
// that a number whose tag was deleted is not given again. It is built like
// a package image (OCI media types, one gzip tar layer, see buildLayer), so
// any registry that stores packages stores it and generic tools show it
// (crane export); its layer holds one file, packages.json:
//
//	{"packages": ["nested/pkg", "pkg"], "revisions": {"nested/pkg": 3, "gone": 2}}
//
// sorted, so that the same content gives the same digest; a package whose
// tags are all deleted leaves the list and keeps its number. The file is in
// the layer rather than the config because registries and tools know what
// to do with a layer, while a config of a custom media type is an
// artifact some registries refuse.
const (
	indexFile = "packages.json"
	// maxIndexBytes bounds the index read: some 100,000 package paths.
	maxIndexBytes = 16 << 20
	// indexAttempts is how often an update of the index is retried when
	// another process changed it between the read and the write.
	indexAttempts = 5
)

type indexContent struct {
	Packages []string `json:"packages"`
	// Revisions is the highest revision number each package gave.
	Revisions map[string]int `json:"revisions,omitempty"`
}

func (s *Store) indexRef() (name.Tag, error) {
	repo, err := s.imageRepository(IndexRepository)
	if err != nil {
		return name.Tag{}, err
	}
	return repo.Tag(LatestTag), nil
}

// readIndex reads the index and its digest, or an empty index and the
// zero Hash when there is none.
func (s *Store) readIndex(ctx context.Context) (indexContent, v1.Hash, error) {
	ref, err := s.indexRef()
	if err != nil {
		return indexContent{}, v1.Hash{}, err
	}
	what := "index image " + ref.String()
	desc, err := remote.Get(ref, s.options(ctx)...)
	if isNotFound(err) {
		return indexContent{}, v1.Hash{}, nil
	}
	if err != nil {
		return indexContent{}, v1.Hash{}, s.fail(what, err)
	}
	img, err := desc.Image()
	if err != nil {
		return indexContent{}, v1.Hash{}, s.fail(what, err)
	}
	layers, err := img.Layers()
	if err != nil {
		return indexContent{}, v1.Hash{}, s.fail(what, err)
	}
	if len(layers) != 1 {
		return indexContent{}, v1.Hash{}, invalidImage(ref.String(), "has %d layers; the index of packages has one", len(layers))
	}
	files, err := readLayer(ref.String(), layers[0], maxIndexBytes)
	if err != nil {
		if errors.Is(err, backend.ErrInvalidPackage) || errors.Is(err, backend.ErrSourceTooLarge) {
			return indexContent{}, v1.Hash{}, err
		}
		return indexContent{}, v1.Hash{}, s.fail(what, err)
	}
	var content indexContent
	if err := json.Unmarshal([]byte(files[indexFile]), &content); err != nil {
		return indexContent{}, v1.Hash{}, invalidImage(ref.String(), "has no %s of the form {\"packages\": [...]}", indexFile)
	}
	slices.Sort(content.Packages)
	content.Packages = slices.Compact(content.Packages)
	return content, desc.Digest, nil
}

func buildIndex(content indexContent) (v1.Image, error) {
	b, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	layer, err := buildLayer(map[string]string{indexFile: string(b)})
	if err != nil {
		return nil, err
	}
	return mutate.AppendLayers(emptyOCIImage, layer)
}

// AddToIndex lists package pkg in the index image, if it is not there yet.
// Write calls it for a package's first tag.
func (s *Store) AddToIndex(ctx context.Context, pkg string) error {
	if _, err := s.repository(pkg); err != nil {
		return err
	}
	return s.updateIndex(ctx, func(c *indexContent) bool {
		i, found := slices.BinarySearch(c.Packages, pkg)
		if found {
			return false
		}
		c.Packages = slices.Insert(c.Packages, i, pkg)
		return true
	})
}

// RemoveFromIndex takes package pkg out of the index image's list, if it
// is there; its revision number stays. Delete calls it when a package's
// last tag goes.
func (s *Store) RemoveFromIndex(ctx context.Context, pkg string) error {
	if _, err := s.repository(pkg); err != nil {
		return err
	}
	return s.updateIndex(ctx, func(c *indexContent) bool {
		i, found := slices.BinarySearch(c.Packages, pkg)
		if !found {
			return false
		}
		c.Packages = slices.Delete(c.Packages, i, i+1)
		return true
	})
}

// RaiseRevisionMark records in the index that package pkg gave revision
// number n, unless it records a higher one.
func (s *Store) RaiseRevisionMark(ctx context.Context, pkg string, n int) error {
	if _, err := s.repository(pkg); err != nil {
		return err
	}
	return s.updateIndex(ctx, func(c *indexContent) bool {
		if c.Revisions[pkg] >= n {
			return false
		}
		if c.Revisions == nil {
			c.Revisions = map[string]int{}
		}
		c.Revisions[pkg] = n
		return true
	})
}

// revisionMark is the highest revision number the index records for
// package pkg; 0 for none.
func (s *Store) revisionMark(ctx context.Context, pkg string) (int, error) {
	c, _, err := s.readIndex(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading the revision numbers package %s gave: %w", pkg, err)
	}
	return c.Revisions[pkg], nil
}

// updateIndex reads, changes and writes the index, conditional on the
// digest read (see Write), again when another writer came in between.
func (s *Store) updateIndex(ctx context.Context, change func(*indexContent) bool) error {
	ref, unlock, err := s.lockTag(ctx, IndexRepository, LatestTag)
	if err != nil {
		return err
	}
	defer unlock()
	for range indexAttempts {
		content, digest, err := s.readIndex(ctx)
		if err != nil {
			return err
		}
		if !change(&content) {
			return nil
		}
		img, err := buildIndex(content)
		if err != nil {
			return fmt.Errorf("building index image %s: %w", ref, err)
		}
		if _, err = s.write(ctx, ref, img, digest); !errors.Is(err, backend.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("%w: index image %s changed under each of %d attempts to update it", backend.ErrConflict, ref, indexAttempts)
}
