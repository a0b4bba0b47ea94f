package imagebuild

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Options say what to build from, for which platforms, and how to label it.
type Options struct {
	// Root is the module's root folder.
	Root string
	// Platforms are "os/arch" pairs; Platforms (the package's) when empty.
	Platforms []string
	// Source, Revision and Version are the values of the images' OCI
	// labels: the repository's URL, the commit and the version.
	Source, Revision, Version string
	// Created is the images' creation time and their files' modification
	// time, so that one commit always gives the same images: the commit's.
	Created time.Time
	// CACertificates is the host's bundle copied into the images; the
	// first of the usual places that has one when empty.
	CACertificates string
	// WorkDir holds the binaries and layers built.
	WorkDir string
	// BuildFlags are go build's flags; DefaultBuildFlags when nil.
	BuildFlags []string
	// Log receives a line per step; nil for none.
	Log io.Writer
}

// DefaultBuildFlags build binaries that name no path of the machine that
// built them, without debug information.
var DefaultBuildFlags = []string{"-trimpath", "-ldflags=-s -w"}

// Build builds each image for each platform and returns their indexes
// by image name. A binary two images hold is built once per platform.
func Build(ctx context.Context, images []Image, o Options) (map[string]v1.ImageIndex, error) {
	if len(o.Platforms) == 0 {
		o.Platforms = Platforms
	}
	if o.BuildFlags == nil {
		o.BuildFlags = DefaultBuildFlags
	}
	certs, err := caCertificates(o.CACertificates)
	if err != nil {
		return nil, err
	}
	b := &builder{o: o, certs: certs, built: map[string]string{}}
	indexes := map[string]v1.ImageIndex{}
	for _, img := range images {
		idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
		for _, platform := range o.Platforms {
			goos, goarch, ok := strings.Cut(platform, "/")
			if !ok {
				return nil, fmt.Errorf("platform %q: want os/arch", platform)
			}
			image, err := b.image(ctx, img, goos, goarch)
			if err != nil {
				return nil, fmt.Errorf("image %s for %s: %w", img.Name, platform, err)
			}
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: image,
				Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: goos, Architecture: goarch}}})
		}
		indexes[img.Name] = mutate.Annotations(idx, b.labels(img)).(v1.ImageIndex)
	}
	return indexes, nil
}

type builder struct {
	o     Options
	certs []byte
	// built is each binary's file, by package and platform.
	built map[string]string
}

// image is img for one platform: one layer of its files on an empty base.
func (b *builder) image(ctx context.Context, img Image, goos, goarch string) (v1.Image, error) {
	files := b.commonFiles()
	for _, bin := range img.Binaries {
		path, err := b.binary(ctx, bin.Package, goos, goarch)
		if err != nil {
			return nil, err
		}
		files = append(files, file{path: bin.Path, mode: 0o755, source: path})
	}
	layerFile := filepath.Join(b.o.WorkDir, fmt.Sprintf("%s-%s-%s.tar", img.Name, goos, goarch))
	if err := writeRootFS(layerFile, files, b.o.Created); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromFile(layerFile, tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
	if err != nil {
		return nil, err
	}
	labels := b.labels(img)
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		OS: goos, Architecture: goarch, Created: v1.Time{Time: b.o.Created},
		Config: v1.Config{
			Entrypoint: img.Entrypoint(),
			User:       fmt.Sprintf("%d:%d", UserID, UserID),
			WorkingDir: "/",
			Env:        []string{"PATH=/", "SSL_CERT_FILE=" + CACertificatesPath},
			Labels:     labels,
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	image, err := mutate.Append(base, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
		History: v1.History{Created: v1.Time{Time: b.o.Created}, CreatedBy: "make images: " + strings.Join(binaryPaths(img), " ")}})
	if err != nil {
		return nil, err
	}
	return mutate.Annotations(image, labels).(v1.Image), nil
}

// binary builds pkg, static, for the platform, once.
func (b *builder) binary(ctx context.Context, pkg, goos, goarch string) (string, error) {
	key := pkg + " " + goos + "/" + goarch
	if path, ok := b.built[key]; ok {
		return path, nil
	}
	out := filepath.Join(b.o.WorkDir, goos+"-"+goarch, filepath.Base(pkg))
	if b.o.Log != nil {
		fmt.Fprintf(b.o.Log, "building %s for %s/%s\n", pkg, goos, goarch)
	}
	args := append(append([]string{"build"}, b.o.BuildFlags...), "-o", out, pkg)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = b.o.Root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	// Static: the images have no C library.
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, output)
	}
	b.built[key] = out
	return out, nil
}

// commonFiles are the files every image holds besides its binaries.
func (b *builder) commonFiles() []file {
	return []file{
		{path: "/etc", mode: 0o755 | os.ModeDir},
		{path: "/etc/ssl", mode: 0o755 | os.ModeDir},
		{path: "/etc/ssl/certs", mode: 0o755 | os.ModeDir},
		{path: CACertificatesPath, mode: 0o644, data: b.certs},
		{path: PasswdPath, mode: 0o644, data: fmt.Appendf(nil, "root:x:0:0:root:/root:/sbin/nologin\n%s:x:%d:%d:%s:/home/%s:/sbin/nologin\n", UserName, UserID, UserID, UserName, UserName)},
		{path: GroupPath, mode: 0o644, data: fmt.Appendf(nil, "root:x:0:\n%s:x:%d:\n", UserName, UserID)},
		{path: "/home", mode: 0o755 | os.ModeDir},
		{path: "/home/" + UserName, mode: 0o700 | os.ModeDir, owner: UserID},
	}
}

// labels are the OCI labels of img, also its manifests' annotations.
func (b *builder) labels(img Image) map[string]string {
	labels := map[string]string{
		"org.opencontainers.image.title":   img.Repository(),
		"org.opencontainers.image.created": b.o.Created.UTC().Format(time.RFC3339),
	}
	for key, value := range map[string]string{"source": b.o.Source, "revision": b.o.Revision, "version": b.o.Version} {
		if value != "" {
			labels["org.opencontainers.image."+key] = value
		}
	}
	return labels
}

func binaryPaths(img Image) []string {
	paths := make([]string, len(img.Binaries))
	for i, bin := range img.Binaries {
		paths[i] = bin.Path
	}
	return paths
}

// caCertificates reads the CA bundle at path, or at the first of the
// usual places that has one.
func caCertificates(path string) ([]byte, error) {
	candidates := []string{path}
	if path == "" {
		candidates = []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"}
	}
	for _, c := range candidates {
		if data, err := os.ReadFile(c); err == nil && len(data) > 0 {
			return data, nil
		}
	}
	return nil, fmt.Errorf("no CA certificates at %s: the images need them for TLS remotes", strings.Join(candidates, ", "))
}
