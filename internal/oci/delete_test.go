package oci

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/porch-dev/porch/internal/backend"
)

// refuseTagDeletion answers a DELETE by tag as CNCF Distribution does.
func refuseTagDeletion(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/manifests/") && !strings.HasPrefix(path.Base(r.URL.Path), "sha256:") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}`))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// digestDeletionUntags makes a DELETE by digest remove every tag on the
// manifest, as Distribution does (pkg/registry removes the digest only).
func digestDeletionUntags(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if digest := path.Base(r.URL.Path); r.Method == http.MethodDelete && strings.HasPrefix(digest, "sha256:") {
			repo := strings.TrimSuffix(r.URL.Path, "/manifests/"+digest)
			list := httptest.NewRecorder()
			h.ServeHTTP(list, httptest.NewRequest(http.MethodGet, repo+"/tags/list", nil))
			var tags struct{ Tags []string }
			_ = json.Unmarshal(list.Body.Bytes(), &tags)
			for _, tag := range tags.Tags {
				head := httptest.NewRecorder()
				h.ServeHTTP(head, httptest.NewRequest(http.MethodHead, repo+"/manifests/"+tag, nil))
				if head.Header().Get("Docker-Content-Digest") == digest {
					h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodDelete, repo+"/manifests/"+tag, nil))
				}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// pkg/registry deletes by tag, removing that tag only.
func TestDeleteByTag(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/pkgs", StoreOptions{})
	shared := mustBuild(t, draft("shared"))
	d, _ := s.Write(ctx, "pkg", "ws1", shared, v1.Hash{})
	if _, err := s.Write(ctx, "pkg", "ws2", shared, v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	stale := mustDigest(t, mustBuild(t, draft("stale")))

	tests := []struct {
		name     string
		tag      string
		expect   v1.Hash
		wantKind error
		wantMsg  string
	}{
		{"stale digest", "ws1", stale, backend.ErrConflict, "expected " + stale.String()},
		{"missing tag", "nope", v1.Hash{}, backend.ErrRefNotFound, host + "/pkgs/pkg:nope not found"},
		{"at the digest read", "ws1", d, nil, ""},
		{"already deleted", "ws1", d, backend.ErrRefNotFound, "not found"},
		{"any digest, leaving no tag", "ws2", v1.Hash{}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Delete(ctx, "pkg", tt.tag, tt.expect)
			if !errors.Is(err, tt.wantKind) || (tt.wantKind == nil) != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantMsg)) {
				t.Fatalf("Delete = %v, want %v saying %q", err, tt.wantKind, tt.wantMsg)
			}
			if tt.name == "at the digest read" { // the sibling on the same manifest stays
				if h, err := s.Head(ctx, "pkg", "ws2"); err != nil || h != d {
					t.Fatalf("ws2 = %s, %v after deleting ws1", h, err)
				}
			}
		})
	}
	if tags, err := s.Tags(ctx, "pkg"); err != nil || len(tags) != 0 {
		t.Fatalf("Tags = %v, %v; want none", tags, err)
	}
}

// A registry that deletes only by digest: Delete falls back to the digest
// when no other tag shares it, and refuses otherwise.
func TestDeleteByDigest(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, func(h http.Handler) http.Handler { return refuseTagDeletion(digestDeletionUntags(h)) })
	s := newStore(t, host+"/pkgs", StoreOptions{})
	shared := mustBuild(t, draft("shared"))
	d, _ := s.Write(ctx, "pkg", "ws1", shared, v1.Hash{})
	if _, err := s.Write(ctx, "pkg", "ws2", shared, v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	own, err := s.Write(ctx, "pkg", "ws3", mustBuild(t, draft("own")), v1.Hash{})
	if err != nil {
		t.Fatal(err)
	}

	if err := s.Delete(ctx, "pkg", "ws3", own); err != nil {
		t.Fatalf("Delete of a tag alone on its manifest: %v", err)
	}
	if _, err := s.Head(ctx, "pkg", "ws3"); !errors.Is(err, backend.ErrRefNotFound) {
		t.Fatalf("ws3 after Delete: %v, want not found", err)
	}
	err = s.Delete(ctx, "pkg", "ws1", d)
	if err == nil || !strings.Contains(err.Error(), "deletes only by digest") || !strings.Contains(err.Error(), "ws2") {
		t.Fatalf("Delete of a tag sharing its manifest = %v, want a refusal naming ws2", err)
	}
	for _, tag := range []string{"ws1", "ws2"} {
		if h, err := s.Head(ctx, "pkg", tag); err != nil || h != d {
			t.Fatalf("%s = %s, %v after the refused Delete", tag, h, err)
		}
	}
}

// pkg/registry asked by digest removes the digest and keeps the tag:
// Delete checks and says so rather than reporting success.
func TestDeleteChecksTheTagIsGone(t *testing.T) {
	ctx := testContext(t)
	s := newStore(t, newRegistry(t, refuseTagDeletion)+"/pkgs", StoreOptions{})
	d, err := s.Write(ctx, "pkg", "ws", mustBuild(t, draft("x")), v1.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "pkg", "ws", d); err == nil || !strings.Contains(err.Error(), "still points at it") {
		t.Fatalf("Delete = %v, want the tag reported as still there", err)
	}
}
