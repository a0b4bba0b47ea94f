package imagebuild

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// WriteLayouts writes each index into an OCI image layout of its own,
// dir/<image name>, made anew, its index named tag.
func WriteLayouts(dir, tag string, indexes map[string]v1.ImageIndex) error {
	for _, imageName := range slices.Sorted(maps.Keys(indexes)) {
		path := filepath.Join(dir, imageName)
		if err := os.RemoveAll(path); err != nil {
			return err
		}
		p, err := layout.Write(path, empty.Index)
		if err != nil {
			return err
		}
		if err := p.AppendIndex(indexes[imageName], layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag})); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}

// Push pushes each index to registry/porch-<image name>:tag and returns
// the references pushed, by digest.
func Push(ctx context.Context, registry, tag string, images []Image, indexes map[string]v1.ImageIndex, opts ...remote.Option) ([]string, error) {
	var pushed []string
	for _, img := range images {
		idx, ok := indexes[img.Name]
		if !ok {
			continue
		}
		ref, err := name.ParseReference(registry + "/" + img.Repository() + ":" + tag)
		if err != nil {
			return pushed, err
		}
		if err := remote.WriteIndex(ref, idx, append([]remote.Option{remote.WithContext(ctx)}, opts...)...); err != nil {
			return pushed, fmt.Errorf("pushing %s: %w", ref, err)
		}
		digest, err := idx.Digest()
		if err != nil {
			return pushed, err
		}
		pushed = append(pushed, ref.Context().Digest(digest.String()).String())
	}
	return pushed, nil
}
