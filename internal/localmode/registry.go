package localmode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/oci"
)

// OCIBlueprintsRepository is the Repository of the example packages as
// images, which the local mode registers beside BlueprintsRepository.
const OCIBlueprintsRepository = "oci-blueprints"

// Registry is the local mode's OCI registry: go-containerregistry's, on
// loopback. It keeps images in memory, so each start pushes the examples
// again, as the same images (same content, same time: same digests), and
// a Repository of them sees nothing move.
type Registry struct {
	// Host is host:port, as a Repository's spec.oci.registry begins.
	Host   string
	server *http.Server
}

// Path is the registry path of the images under folder.
func (r *Registry) Path(folder string) string { return r.Host + "/" + folder }

// startRegistry serves a registry on the address of the previous run when
// there was one, since Repositories kept in etcd point at it.
func startRegistry(urlFile string) (*Registry, error) {
	addr := previousHost(urlFile)
	listenOn := addr
	if listenOn == "" {
		listenOn = "127.0.0.1:0"
	}
	lis, err := net.Listen("tcp", listenOn)
	if err != nil {
		if addr == "" {
			return nil, fmt.Errorf("starting the OCI registry: %w", err)
		}
		return nil, fmt.Errorf("starting the OCI registry on %s, the address of the previous run that Repositories point at: %w; free that port", addr, err)
	}
	// The registry would log every request.
	quiet := log.New(io.Discard, "", 0)
	r := &Registry{Host: lis.Addr().String(),
		server: &http.Server{Handler: registry.New(registry.Logger(quiet)), ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet}}
	go func() {
		if err := r.server.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("the local OCI registry stopped: %v", err)
		}
	}()
	return r, nil
}

// previousHost is the registry address written by an earlier run, if any.
func previousHost(urlFile string) string {
	data, err := os.ReadFile(urlFile)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// Close stops the registry; its images go with it. Requests still in
// flight after 5 s have their connections closed: the manager, their
// only client, has stopped, and may have left one it no longer reads.
func (r *Registry) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := r.server.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = r.server.Close()
	}
	return err
}

// seedImages pushes the example packages as images, each published as
// revision 1 under tag v1 of <registry>/blueprints/<package> and as its
// latest, made at
// madeAt (the first run's time, so that each run pushes the same images).
func (r *Registry) seedImages(ctx context.Context, madeAt time.Time) error {
	store, err := oci.NewStore(r.Path(BlueprintsRepository), oci.StoreOptions{})
	if err != nil {
		return err
	}
	for _, pkg := range blueprintOrder {
		files, err := renderedBlueprint(ctx, pkg)
		if err != nil {
			return err
		}
		// Published as authoring publishes, so that the package's latest
		// tag and revision number are kept too: revision 1 of an empty
		// registry.
		_, _, err = store.WritePublished(ctx, pkg, "v1", v1.Hash{}, func(n int) (v1.Image, error) {
			return oci.BuildImage(oci.Package{Files: files, Lifecycle: porchv1alpha1.PackageRevisionLifecyclePublished, Revision: n,
				Tasks:   []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}},
				Created: madeAt, Source: r.Path(BlueprintsRepository)})
		})
		if err != nil {
			return fmt.Errorf("pushing the example package %s: %w", pkg, err)
		}
	}
	return nil
}

// seedTime is when the examples were first made, kept in file so that
// later runs make the same images; now on the first run.
func seedTime(file string) (time.Time, error) {
	if data, err := os.ReadFile(file); err == nil {
		return time.Parse(time.RFC3339, strings.TrimSpace(string(data)))
	}
	now := time.Now().UTC().Truncate(time.Second)
	return now, writeFile(file, []byte(now.Format(time.RFC3339)+"\n"))
}
