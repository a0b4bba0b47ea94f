package pod

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// DefaultImagePrefixes are the images a pod may run when the runner is
// told nothing else: the kpt function catalog's.
var DefaultImagePrefixes = []string{"ghcr.io/kptdev/krm-functions-catalog/", "gcr.io/kpt-fn/"}

// AnyImage, as the one image prefix, lets every image run in a pod.
const AnyImage = "*"

// imagePolicy says which images may run in a pod: those whose repository
// is one of the prefixes or under one, compared segment by segment on
// the normalised names (so docker.io/library/ and index.docker.io/library/
// are one prefix, and gcr.io/kpt-fn/ does not admit gcr.io/kpt-fn-other/).
type imagePolicy struct {
	// flag names the setting in errors, for whoever runs the runner.
	flag     string
	any      bool
	prefixes []string
	raw      []string
}

// newImagePolicy reads the prefixes: repository paths, with or without a
// trailing /, or AnyImage alone.
func newImagePolicy(raw []string, flag string) (*imagePolicy, error) {
	p := &imagePolicy{flag: flag, raw: raw}
	for _, prefix := range raw {
		if prefix == AnyImage {
			if len(raw) > 1 {
				return nil, fmt.Errorf("%s: %q allows every image and goes alone, not with %q", flag, AnyImage, raw)
			}
			p.any = true
			continue
		}
		// Parsed with one more segment, so that a path of one segment on
		// Docker Hub (docker.io/library) is not taken for an image
		// (docker.io/library/library).
		const segment = "/x"
		repo, err := name.NewRepository(strings.TrimSuffix(prefix, "/") + segment)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a registry or repository path: %w", flag, prefix, err)
		}
		p.prefixes = append(p.prefixes, strings.TrimSuffix(repo.Name(), segment))
	}
	return p, nil
}

// check refuses an image that may not run in a pod, naming it and where
// the runner's operator allows images.
func (p *imagePolicy) check(image string) error {
	if p.any {
		return nil
	}
	ref, err := name.ParseReference(image)
	if err != nil {
		return fmt.Errorf("function image %q is not an image reference: %w", image, err)
	}
	repo := ref.Context().Name()
	for _, prefix := range p.prefixes {
		if repo == prefix || strings.HasPrefix(repo, prefix+"/") {
			return nil
		}
	}
	allowed := "none: no image may run in a pod"
	if len(p.raw) > 0 {
		allowed = strings.Join(p.raw, ", ")
	}
	return fmt.Errorf("function image %q may not run in a pod: it is under none of the runner's %s (%s)", image, p.flag, allowed)
}
