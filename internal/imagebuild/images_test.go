package imagebuild_test

import (
	"archive/tar"
	"context"
	"debug/elf"
	"errors"
	"io"
	"log"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/imagebuild"
)

// unpacked is one image as pulled: its configuration and its files,
// unpacked into dir, with each entry's owner.
type unpacked struct {
	config *v1.ConfigFile
	dir    string
	owners map[string]int
	dirs   map[string]bool
}

// The images are built for this machine's platform, pushed to a registry
// served in process, pulled back and unpacked: each entrypoint runs, as
// a user that is not root, from static binaries, with the files every
// image holds and the labels it carries; and each Dockerfile installs the
// same files as the image of its name, as the same user, with the same
// entrypoint.
func TestImages(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build with")
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	// Without -trimpath, the build shares the cache of the other tests'
	// builds; the images' content does not depend on it.
	indexes, err := imagebuild.Build(context.Background(), imagebuild.Images, imagebuild.Options{
		Root: "../..", Platforms: []string{platform}, Source: "https://example.com/porch", Revision: "0123abc", Version: "v9.9.9",
		Created: created, WorkDir: t.TempDir(), BuildFlags: []string{},
	})
	if err != nil {
		t.Fatal(err)
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	if _, err := imagebuild.Push(context.Background(), host+"/porch", "test", imagebuild.Images, indexes); err != nil {
		t.Fatal(err)
	}

	for _, img := range imagebuild.Images {
		t.Run(img.Name, func(t *testing.T) {
			got := pull(t, host+"/porch/"+img.Repository()+":test", platform)
			labels := got.config.Config.Labels
			for key, want := range map[string]string{"source": "https://example.com/porch", "revision": "0123abc", "version": "v9.9.9",
				"title": img.Repository(), "created": "2026-01-02T03:04:05Z"} {
				if labels["org.opencontainers.image."+key] != want {
					t.Errorf("label %s = %q, want %q", key, labels["org.opencontainers.image."+key], want)
				}
			}
			if user := got.config.Config.User; user == "" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root") {
				t.Errorf("runs as %q: root", user)
			}
			for _, path := range []string{imagebuild.CACertificatesPath, imagebuild.PasswdPath, imagebuild.GroupPath} {
				if info, err := os.Stat(filepath.Join(got.dir, path)); err != nil || info.Size() == 0 {
					t.Errorf("%s: %v", path, err)
				}
			}
			for _, bin := range img.Binaries {
				if interp := interpreter(t, filepath.Join(got.dir, bin.Path)); interp != "" {
					t.Errorf("%s is linked dynamically (%s): the image has no C library", bin.Path, interp)
				}
			}
			entrypoint := got.config.Config.Entrypoint
			if !slices.Equal(entrypoint, img.Entrypoint()) {
				t.Fatalf("entrypoint %v, want %v", entrypoint, img.Entrypoint())
			}
			out, err := exec.Command(filepath.Join(got.dir, entrypoint[0]), "--help").CombinedOutput()
			if err != nil || !strings.Contains(string(out), "-") {
				t.Errorf("%s --help: %v\n%s", entrypoint[0], err, out)
			}
			checkDockerfile(t, img, got)
		})
	}
}

// pull pulls the image of platform in the index at ref and unpacks it.
func pull(t *testing.T, ref, platform string) *unpacked {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(r)
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if manifest.Annotations["org.opencontainers.image.revision"] != "0123abc" {
		t.Errorf("the index is not annotated with its revision: %v", manifest.Annotations)
	}
	var image v1.Image
	for _, m := range manifest.Manifests {
		if m.Platform != nil && m.Platform.OS+"/"+m.Platform.Architecture == platform {
			if image, err = idx.Image(m.Digest); err != nil {
				t.Fatal(err)
			}
		}
	}
	if image == nil {
		t.Fatalf("%s has no image for %s: %+v", ref, platform, manifest.Manifests)
	}
	config, err := image.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	got := &unpacked{config: config, dir: t.TempDir(), owners: map[string]int{}, dirs: map[string]bool{}}
	fs := mutate.Extract(image)
	defer func() { _ = fs.Close() }()
	tr := tar.NewReader(fs)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		path := "/" + strings.TrimSuffix(hdr.Name, "/")
		got.owners[path] = hdr.Uid
		target := filepath.Join(got.dir, path)
		if hdr.Typeflag == tar.TypeDir {
			got.dirs[path] = true
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(hdr.Mode).Perm())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, tr); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return got
}

// interpreter is the dynamic loader an ELF binary names, "" for a static one.
func interpreter(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			data, _ := io.ReadAll(p.Open())
			return strings.TrimRight(string(data), "\x00")
		}
	}
	return ""
}

// checkDockerfile compares what images/<name>/Dockerfile's final stage
// installs with the image: the same files and directories that are not
// made on the way to another, with the same owners, run as the same
// user, with the same entrypoint.
func checkDockerfile(t *testing.T, img imagebuild.Image, got *unpacked) {
	t.Helper()
	df, err := parseDockerfile(filepath.Join("../../images", img.Name, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for path, owner := range got.owners {
		if !got.dirs[path] || owner != 0 {
			want[path] = owner
		}
	}
	if !maps.Equal(df.copies, want) {
		t.Errorf("the Dockerfile installs (path: owner)\n%v\nthe image holds\n%v", df.copies, want)
	}
	if df.user != got.config.Config.User {
		t.Errorf("the Dockerfile's USER is %q, the image's %q", df.user, got.config.Config.User)
	}
	if !slices.Equal(df.entrypoint, got.config.Config.Entrypoint) {
		t.Errorf("the Dockerfile's ENTRYPOINT is %v, the image's %v", df.entrypoint, got.config.Config.Entrypoint)
	}
	if !slices.Equal(df.env, got.config.Config.Env) {
		t.Errorf("the Dockerfile's ENV is %v, the image's %v", df.env, got.config.Config.Env)
	}
}
