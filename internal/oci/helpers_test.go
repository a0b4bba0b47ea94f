package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// newRegistry serves go-containerregistry's in-process registry, wrapped
// by wrap when given, and returns its host:port.
func newRegistry(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(discardLogger()))
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

func newStore(t *testing.T, registry string, opts StoreOptions) *Store {
	t.Helper()
	s, err := NewStore(registry, opts)
	if err != nil {
		t.Fatalf("NewStore(%q): %v", registry, err)
	}
	return s
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// draft is a small valid package whose content varies with note.
func draft(note string) Package {
	return Package{
		Files: map[string]string{
			"Kptfile":        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n",
			"cm.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  note: " + note + "\n",
			"nested/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
		},
		Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
		Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: note}}},
		Created:   time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
	}
}

func mustBuild(t *testing.T, p Package) v1.Image {
	t.Helper()
	img, err := BuildImage(p)
	if err != nil {
		t.Fatalf("BuildImage: %v", err)
	}
	return img
}

func mustDigest(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	h, err := img.Digest()
	if err != nil {
		t.Fatalf("Digest: %v", err)
	}
	return h
}

// entry is one tar entry of a hand-made layer.
type entry struct {
	hdr  tar.Header
	body string
}

func file(name, body string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body))}, body: body}
}

// tarGz writes entries as a gzip tar, as they are, hostile or not.
func tarGz(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := e.hdr
		if err := tw.WriteHeader(&hdr); err != nil {
			t.Fatalf("tar header %q: %v", hdr.Name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatalf("tar body %q: %v", hdr.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzLayer is a layer of the given gzip tar bytes, opened through open
// when given (to count what is read).
func gzLayer(t *testing.T, gz []byte, open func(io.Reader) io.Reader) v1.Layer {
	t.Helper()
	if open == nil {
		open = func(r io.Reader) io.Reader { return r }
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(open(bytes.NewReader(gz))), nil
	}, tarball.WithMediaType(layerMediaType))
	if err != nil {
		t.Fatalf("layer: %v", err)
	}
	return l
}

// imageOf is an OCI image of the layers with a Draft annotation.
func imageOf(t *testing.T, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(emptyOCIImage, layers...)
	if err != nil {
		t.Fatal(err)
	}
	return mutate.Annotations(img, map[string]string{AnnotationLifecycle: "Draft"}).(v1.Image)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

func tarHeaderSymlink(name, target string) tar.Header {
	return tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}
}
