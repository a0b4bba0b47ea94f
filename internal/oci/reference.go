package oci

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/porch-dev/porch/internal/backend"
)

// Scheme prefixes an image address where a git address could also be
// given, as porchctl's clone and upstream Porch's clone task write it.
const Scheme = "oci://"

// ParseImage parses an image address a clone names, host/repository:tag
// or host/repository@sha256:..., with or without the oci:// scheme; a
// missing tag is latest, as for any image.
func ParseImage(image string) (name.Reference, error) {
	ref, err := name.ParseReference(strings.TrimPrefix(image, Scheme))
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not an image address; give host/repository:tag or host/repository@sha256:<digest>",
			backend.ErrInvalidAddress, image)
	}
	return ref, nil
}

// ReadReference reads the package stored as the image ref names, any image
// in the format and not only a revision of a Repository's registry path,
// under opts' content limit. locked is the image it read, by digest, with
// the tag it was asked by: host/repository:tag@sha256:..., so that a
// Kptfile's upstreamLock both pins the content and says which revision
// it was.
func ReadReference(ctx context.Context, ref name.Reference, opts StoreOptions) (p Package, locked string, err error) {
	s, err := NewStore(ref.Context().Name(), opts)
	if err != nil {
		return Package{}, "", err
	}
	p, digest, err := s.readRef(ctx, ref)
	if err != nil {
		return Package{}, "", err
	}
	locked = ref.Context().Name()
	if tag, ok := ref.(name.Tag); ok {
		locked += ":" + tag.TagStr()
	}
	return p, locked + "@" + digest.String(), nil
}
