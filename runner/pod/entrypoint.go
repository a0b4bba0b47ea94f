package pod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// entrypoints reads an image's entrypoint from its registry: the wrapper
// server replaces the container's command, so it must be told what the
// image would have run. Images are looked up once: a function's pods are
// made from the same tag for the runner's life, and a lookup costs a
// registry round trip. Failures are not kept, so a registry that recovers
// is asked again.
type entrypoints struct {
	nameOpts   []name.Option
	remoteOpts []remote.Option

	mu    sync.Mutex
	cache map[string][]string
}

// lookup returns the image's Entrypoint followed by its Cmd, as a
// container runtime would run them.
func (e *entrypoints) lookup(ctx context.Context, image string) ([]string, error) {
	e.mu.Lock()
	argv, ok := e.cache[image]
	e.mu.Unlock()
	if ok {
		return argv, nil
	}
	ref, err := name.ParseReference(image, e.nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("function %q: not an image reference: %w", image, err)
	}
	img, err := remote.Image(ref, append(e.remoteOpts, remote.WithContext(ctx))...)
	if err != nil {
		return nil, fmt.Errorf("function %q: %s: %w", image, registryProblem(err), err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("function %q: reading the image's config: %w", image, err)
	}
	argv = append(append([]string(nil), cfg.Config.Entrypoint...), cfg.Config.Cmd...)
	if len(argv) == 0 {
		return nil, fmt.Errorf("function %q: the image has no entrypoint or command to run", image)
	}
	e.mu.Lock()
	e.cache[image] = argv
	e.mu.Unlock()
	return argv, nil
}

// registryProblem says in words what a registry's answer means for the user.
func registryProblem(err error) string {
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusNotFound:
			return "image not found in its registry"
		case http.StatusUnauthorized, http.StatusForbidden:
			return "the registry refused access to the image"
		}
	}
	return "reading the image from its registry"
}
