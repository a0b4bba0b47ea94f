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
// for registries that refuse the catalog (see Packages). It is built like
// a package image (OCI media types, one gzip tar layer, see buildLayer), so
// any registry that stores packages stores it and generic tools show it
// (crane export); its layer holds one file, packages.json:
//
//	{"packages": ["nested/pkg", "pkg"]}
//
// sorted, so that the same packages give the same digest. The file is in
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
}

func (s *Store) indexRef() (name.Tag, error) {
	repo, err := s.imageRepository(IndexRepository)
	if err != nil {
		return name.Tag{}, err
	}
	return repo.Tag(LatestTag), nil
}

// readIndex reads the index: its packages and digest, or nothing and the
// zero Hash when there is no index.
func (s *Store) readIndex(ctx context.Context) ([]string, v1.Hash, error) {
	ref, err := s.indexRef()
	if err != nil {
		return nil, v1.Hash{}, err
	}
	what := "index image " + ref.String()
	desc, err := remote.Get(ref, s.options(ctx)...)
	if isNotFound(err) {
		return nil, v1.Hash{}, nil
	}
	if err != nil {
		return nil, v1.Hash{}, s.fail(what, err)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, v1.Hash{}, s.fail(what, err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, v1.Hash{}, s.fail(what, err)
	}
	if len(layers) != 1 {
		return nil, v1.Hash{}, invalidImage(ref.String(), "has %d layers; the index of packages has one", len(layers))
	}
	files, err := readLayer(ref.String(), layers[0], maxIndexBytes)
	if err != nil {
		if errors.Is(err, backend.ErrInvalidPackage) || errors.Is(err, backend.ErrSourceTooLarge) {
			return nil, v1.Hash{}, err
		}
		return nil, v1.Hash{}, s.fail(what, err)
	}
	var content indexContent
	if err := json.Unmarshal([]byte(files[indexFile]), &content); err != nil {
		return nil, v1.Hash{}, invalidImage(ref.String(), "has no %s of the form {\"packages\": [...]}", indexFile)
	}
	return content.Packages, desc.Digest, nil
}

func buildIndex(pkgs []string) (v1.Image, error) {
	b, err := json.Marshal(indexContent{Packages: pkgs})
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
	return s.updateIndex(ctx, func(pkgs []string) ([]string, bool) {
		i, found := slices.BinarySearch(pkgs, pkg)
		if found {
			return pkgs, false
		}
		return slices.Insert(pkgs, i, pkg), true
	})
}

// RemoveFromIndex takes package pkg out of the index image, if it is there.
// Delete calls it when a package's last tag goes.
func (s *Store) RemoveFromIndex(ctx context.Context, pkg string) error {
	if _, err := s.repository(pkg); err != nil {
		return err
	}
	return s.updateIndex(ctx, func(pkgs []string) ([]string, bool) {
		i, found := slices.BinarySearch(pkgs, pkg)
		if !found {
			return pkgs, false
		}
		return slices.Delete(pkgs, i, i+1), true
	})
}

// updateIndex reads, changes and writes the index, conditional on the
// digest read (see Write), again when another writer came in between.
func (s *Store) updateIndex(ctx context.Context, change func(sorted []string) ([]string, bool)) error {
	ref, unlock, err := s.lockTag(ctx, IndexRepository, LatestTag)
	if err != nil {
		return err
	}
	defer unlock()
	for range indexAttempts {
		pkgs, digest, err := s.readIndex(ctx)
		if err != nil {
			return err
		}
		slices.Sort(pkgs)
		pkgs = slices.Compact(pkgs)
		next, changed := change(pkgs)
		if !changed {
			return nil
		}
		img, err := buildIndex(next)
		if err != nil {
			return fmt.Errorf("building index image %s: %w", ref, err)
		}
		if _, err = s.write(ctx, ref, img, digest); !errors.Is(err, backend.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("%w: index image %s changed under each of %d attempts to update it", backend.ErrConflict, ref, indexAttempts)
}
