package git

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
)

func TestReadPublished(t *testing.T) {
	r := buildLayoutRepo(t)
	// A tag of a commit without the package, and one of a folder that is no package.
	r.f.ref("refs/tags/gone/v1", r.hashes["C0"])
	r.f.ref("refs/tags/notpkg/v1", r.hashes["M"])
	m, _ := mirrorOf(t, r)

	tests := []struct {
		name, dir, pkg string
		n              int
		wantRef        string
		wantCommit     string // label
		wantFiles      map[string]string
	}{
		{"an annotated tag, peeled", "", "a", 1, "a/v1", "A1", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 1\n"}},
		{"a lightweight tag", "/", "a", 2, "a/v2", "A2", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 2\n"}},
		{"a package in a directory", "/blueprints/", "bp", 1, "blueprints/bp/v1", "M", map[string]string{"Kptfile": kptfilePlain}},
		{"a nested package, subfolders included", "", "nested/b", 1, "nested/b/v1", "M",
			map[string]string{"Kptfile": kptfilePlain, "deploy/svc.yaml": "kind: Service\n"}},
		{"a revision whose tag is gone, from its deletionProposed branch", "", "nested/b", 7, "deletionProposed/nested/b/v7", "M",
			map[string]string{"Kptfile": kptfilePlain, "deploy/svc.yaml": "kind: Service\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.ReadPublished(tt.dir, tt.pkg, tt.n, maxBytesInTest)
			if err != nil {
				t.Fatalf("ReadPublished: %v", err)
			}
			if got.Ref != tt.wantRef || r.labels[got.Commit] != tt.wantCommit {
				t.Errorf("read %s at %s (%s), want %s at %s", got.Ref, got.Commit, r.labels[got.Commit], tt.wantRef, tt.wantCommit)
			}
			if !maps.Equal(got.Files, tt.wantFiles) {
				t.Errorf("files = %q, want %q", slices.Sorted(maps.Keys(got.Files)), slices.Sorted(maps.Keys(tt.wantFiles)))
			}
		})
	}

	t.Run("the files are the caller's to change", func(t *testing.T) {
		first, err := m.ReadPublished("", "a", 1, maxBytesInTest)
		if err != nil {
			t.Fatal(err)
		}
		first.Files["cm.yaml"] = "changed"
		again, err := m.ReadPublished("", "a", 1, maxBytesInTest)
		if err != nil {
			t.Fatal(err)
		}
		if again.Files["cm.yaml"] != "v: 1\n" {
			t.Errorf("a change to one reading showed in the next: %q", again.Files["cm.yaml"])
		}
	})
}

func TestReadPublishedFailures(t *testing.T) {
	r := buildLayoutRepo(t)
	r.f.ref("refs/tags/gone/v1", r.hashes["C0"])
	r.f.ref("refs/tags/notpkg/v1", r.hashes["M"])
	m, _ := mirrorOf(t, r)

	tests := []struct {
		name, dir, pkg string
		n              int
		maxBytes       int64
		want           error
		wantText       string
	}{
		{"no such revision", "", "a", 9, maxBytesInTest, backend.ErrRefNotFound, "has no tag a/v9"},
		{"a package outside the directory", "blueprints", "a", 1, maxBytesInTest, backend.ErrRefNotFound, "has no tag blueprints/a/v1"},
		{"a tag of a commit without the package", "", "gone", 1, maxBytesInTest, backend.ErrPackageNotFound, `there is no folder "/gone" at gone/v1`},
		{"a tag of a folder with no Kptfile", "", "notpkg", 1, maxBytesInTest, backend.ErrPackageNotFound, "has no Kptfile"},
		{"content over the limit", "", "a", 1, 10, backend.ErrInvalidPackage, "over the limit of 10"},
		{"a package path that climbs out", "", "../a", 1, maxBytesInTest, backend.ErrInvalidPackage, `package "../a"`},
		{"revision 0", "", "a", 0, maxBytesInTest, backend.ErrInvalidPackage, "numbered from 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.ReadPublished(tt.dir, tt.pkg, tt.n, tt.maxBytes)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadPublished = %+v, %v; want an error wrapping %v", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not say %q", err, tt.wantText)
			}
		})
	}
}
