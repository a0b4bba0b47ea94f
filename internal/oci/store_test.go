package oci

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

func TestNewStore(t *testing.T) {
	tests := []struct {
		registry   string
		wantPrefix string
		wantErr    string
	}{
		{"registry.example.com/packages", "packages/", ""},
		{"registry.example.com/a/b/", "a/b/", ""},
		{"localhost:5000", "", ""},
		{"docker.io/myorg", "myorg/", ""},
		{"", "", "empty"},
		{"https://registry.example.com/x", "", "without a scheme"},
		{"user:secret@registry.example.com/x", "", "not a registry host"},
		{"registry.example.com//x", "", "not a registry host"},
		{"UPPER CASE/x", "", "spec.oci.registry"},
	}
	for _, tt := range tests {
		t.Run(tt.registry, func(t *testing.T) {
			s, err := NewStore(tt.registry, StoreOptions{})
			if tt.wantErr != "" {
				if !errors.Is(err, backend.ErrInvalidAddress) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "spec.oci.registry") {
					t.Fatalf("NewStore = %v, want ErrInvalidAddress naming spec.oci.registry and saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewStore: %v", err)
			}
			if s.prefix != tt.wantPrefix {
				t.Fatalf("prefix %q, want %q", s.prefix, tt.wantPrefix)
			}
		})
	}
}

func TestStoreReadWrite(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/pkgs", StoreOptions{MaxPackageBytes: 1 << 20})

	p := draft("stored")
	p.Source = "http://" + host + "/pkgs"
	digest, err := s.Write(ctx, "nested/pkg", "ws1", mustBuild(t, p), v1.Hash{})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, gotDigest, err := s.Read(ctx, "nested/pkg", "ws1")
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if gotDigest != digest || !reflect.DeepEqual(got, p) {
		t.Fatalf("Read = %+v at %s, want %+v at %s", got, gotDigest, p, digest)
	}
	if h, err := s.Head(ctx, "nested/pkg", "ws1"); err != nil || h != digest {
		t.Fatalf("Head = %s, %v; want %s", h, err, digest)
	}
	md, err := s.Manifest(ctx, "nested/pkg", "ws1")
	want := Metadata{Digest: digest, Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, Created: p.Created, Source: p.Source}
	if err != nil || !reflect.DeepEqual(md, want) {
		t.Fatalf("Manifest = %+v, %v; want %+v", md, err, want)
	}

	// "latest" is never a workspace, whoever pushed it.
	latest, _ := name.NewTag(host + "/pkgs/nested/pkg:latest")
	if err := remote.Write(latest, mustBuild(t, draft("latest")), remote.WithContext(ctx)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, "nested/pkg", "ws0", mustBuild(t, draft("zero")), v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	tags, err := s.Tags(ctx, "nested/pkg")
	if err != nil || !reflect.DeepEqual(tags, []Tag{{"ws0"}, {"ws1"}}) {
		t.Fatalf("Tags = %v, %v; want ws0, ws1", tags, err)
	}
}

func TestStoreNotFoundAndInvalid(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/pkgs", StoreOptions{})
	if _, err := s.Write(ctx, "pkg", "ws", mustBuild(t, draft("x")), v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Tags of a missing package":    func() error { _, err := s.Tags(ctx, "missing"); return err },
		"Head of a missing tag":        func() error { _, err := s.Head(ctx, "pkg", "nope"); return err },
		"Manifest of a missing tag":    func() error { _, err := s.Manifest(ctx, "pkg", "nope"); return err },
		"Read of a missing tag":        func() error { _, _, err := s.Read(ctx, "pkg", "nope"); return err },
		"Read of a missing repository": func() error { _, _, err := s.Read(ctx, "missing", "ws"); return err },
	}
	for what, call := range calls {
		if err := call(); !errors.Is(err, backend.ErrRefNotFound) || !strings.Contains(err.Error(), host+"/pkgs/") {
			t.Errorf("%s = %v, want ErrRefNotFound naming the image", what, err)
		}
	}
	invalid := map[string]func() error{
		"package escaping the path": func() error { _, err := s.Tags(ctx, "../other"); return err },
		"package with capitals":     func() error { _, err := s.Tags(ctx, "Pkg"); return err },
		"the index as a package":    func() error { _, err := s.Tags(ctx, IndexRepository); return err },
		"latest as a workspace":     func() error { _, err := s.Write(ctx, "pkg", "latest", mustBuild(t, draft("x")), v1.Hash{}); return err },
		"workspace not a tag":       func() error { _, _, err := s.Read(ctx, "pkg", "no/slash"); return err },
	}
	for what, call := range invalid {
		if err := call(); !errors.Is(err, backend.ErrInvalidPackage) {
			t.Errorf("%s = %v, want ErrInvalidPackage", what, err)
		}
	}
}

func TestStoreReadRefusesHostileImage(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/pkgs", StoreOptions{MaxPackageBytes: 100})
	push := func(tag string, img v1.Image) {
		ref, _ := name.NewTag(host + "/pkgs/pkg:" + tag)
		if err := remote.Write(ref, img, remote.WithContext(ctx)); err != nil {
			t.Fatal(err)
		}
	}
	push("symlink", imageOf(t, gzLayer(t, tarGz(t, file("Kptfile", "k"),
		entry{hdr: tarHeaderSymlink("evil", "/etc/shadow")}), nil)))
	push("large", imageOf(t, gzLayer(t, tarGz(t, file("Kptfile", strings.Repeat("k", 200))), nil)))

	if _, _, err := s.Read(ctx, "pkg", "symlink"); !errors.Is(err, backend.ErrInvalidPackage) || !strings.Contains(err.Error(), host+"/pkgs/pkg:symlink") {
		t.Fatalf("Read(symlink) = %v, want ErrInvalidPackage naming the image", err)
	}
	if _, _, err := s.Read(ctx, "pkg", "large"); !errors.Is(err, backend.ErrSourceTooLarge) {
		t.Fatalf("Read(large) = %v, want ErrSourceTooLarge", err)
	}
}

func TestNextRevision(t *testing.T) {
	ctx := testContext(t)
	s := newStore(t, newRegistry(t, nil)+"/pkgs", StoreOptions{})
	if n, err := s.NextRevision(ctx, "pkg"); err != nil || n != 1 {
		t.Fatalf("NextRevision of a new package = %d, %v; want 1", n, err)
	}
	write := func(tag string, lifecycle porchv1alpha1.PackageRevisionLifecycle, revision int) {
		p := draft(tag)
		p.Lifecycle, p.Revision = lifecycle, revision
		if _, err := s.Write(ctx, "pkg", tag, mustBuild(t, p), v1.Hash{}); err != nil {
			t.Fatal(err)
		}
	}
	write("draft", porchv1alpha1.PackageRevisionLifecycleDraft, 0)
	if n, err := s.NextRevision(ctx, "pkg"); err != nil || n != 1 {
		t.Fatalf("NextRevision with drafts only = %d, %v; want 1", n, err)
	}
	write("v1", porchv1alpha1.PackageRevisionLifecyclePublished, 1)
	write("v3", porchv1alpha1.PackageRevisionLifecycleDeletionProposed, 3)
	write("v2", porchv1alpha1.PackageRevisionLifecyclePublished, 2)
	if n, err := s.NextRevision(ctx, "pkg"); err != nil || n != 4 {
		t.Fatalf("NextRevision = %d, %v; want 4", n, err)
	}
}

// The attack: delete the highest published revision, by the product or by
// any client of the registry, and publish again; the number must not come
// back, not even once every tag of the package is gone.
func TestRevisionNumbersAreNeverGivenAgain(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/pkgs", StoreOptions{})
	publish := func(tag string) int {
		t.Helper()
		if _, err := s.Write(ctx, "pkg", tag, mustBuild(t, draft(tag)), v1.Hash{}); err != nil {
			t.Fatal(err)
		}
		head, err := s.Head(ctx, "pkg", tag)
		if err != nil {
			t.Fatal(err)
		}
		_, n, err := s.WritePublished(ctx, "pkg", tag, head, func(n int) (v1.Image, error) {
			p := draft(tag)
			p.Lifecycle, p.Revision = porchv1alpha1.PackageRevisionLifecyclePublished, n
			return BuildImage(p)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := publish("a"); n != 1 {
		t.Fatalf("first = %d", n)
	}
	if n := publish("b"); n != 2 {
		t.Fatalf("second = %d", n)
	}
	if err := s.Delete(ctx, "pkg", "b", v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	if n := publish("c"); n != 3 {
		t.Fatalf("after deleting revision 2 through the product: %d, want 3", n)
	}
	// Another client deletes revision 3's tag: the number was kept at publish.
	ref, _ := name.NewTag(host + "/pkgs/pkg:c")
	if err := remote.Delete(ref, remote.WithContext(ctx)); err != nil {
		t.Fatal(err)
	}
	if n := publish("d"); n != 4 {
		t.Fatalf("after another client deleted revision 3: %d, want 4", n)
	}
	for _, tag := range []string{"a", "d"} {
		if err := s.Delete(ctx, "pkg", tag, v1.Hash{}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.NextRevision(ctx, "pkg"); err != nil || n != 5 {
		t.Fatalf("with every tag gone: %d, %v; want 5", n, err)
	}
	revs, err := s.Revisions(ctx, "pkg")
	if err != nil || len(revs) != 0 {
		t.Fatalf("Revisions = %v, %v; want none", revs, err)
	}
}
