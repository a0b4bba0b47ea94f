package oci

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/porch-dev/porch/internal/backend"
)

func TestWriteConditional(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/pkgs", StoreOptions{})
	first, second := mustBuild(t, draft("first")), mustBuild(t, draft("second"))
	d1, err := s.Write(ctx, "pkg", "ws", first, v1.Hash{})
	if err != nil || d1 != mustDigest(t, first) {
		t.Fatalf("Write of a new tag = %s, %v", d1, err)
	}
	bogus := mustDigest(t, mustBuild(t, draft("never written")))

	tests := []struct {
		name     string
		expect   v1.Hash
		wantKind error
		wantMsg  string
	}{
		{"create where the tag exists", v1.Hash{}, backend.ErrConflict, "is " + d1.String() + ", expected absent"},
		{"update from a stale digest", bogus, backend.ErrConflict, "expected " + bogus.String()},
		{"update from the digest read", d1, nil, ""},
		{"the same update again", d1, backend.ErrConflict, "nothing was written"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Write(ctx, "pkg", "ws", second, tt.expect)
			if !errors.Is(err, tt.wantKind) || (tt.wantKind == nil) != (err == nil) {
				t.Fatalf("Write = %v, want %v", err, tt.wantKind)
			}
			if err != nil && (!strings.Contains(err.Error(), host+"/pkgs/pkg:ws") || !strings.Contains(err.Error(), tt.wantMsg)) {
				t.Fatalf("message %q does not name the image and say %q", err, tt.wantMsg)
			}
		})
	}
	if h, _ := s.Head(ctx, "pkg", "ws"); h != mustDigest(t, second) {
		t.Fatalf("tag at %s, want the second image", h)
	}
}

// Writers in one process, through one Store or several, expecting the same
// digest: exactly one wins each round, the others get ErrConflict.
func TestWriteConcurrent(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	stores := []*Store{newStore(t, host+"/pkgs", StoreOptions{}), newStore(t, host+"/pkgs", StoreOptions{})}
	const rounds, writers = 20, 4
	for round := range rounds {
		tag := fmt.Sprintf("ws%d", round)
		var expect v1.Hash
		if round%2 == 1 { // odd rounds update an existing tag, even rounds create one
			var err error
			if expect, err = stores[0].Write(ctx, "pkg", tag, mustBuild(t, draft(tag)), v1.Hash{}); err != nil {
				t.Fatal(err)
			}
		}
		imgs := make([]v1.Image, writers)
		for i := range imgs {
			imgs[i] = mustBuild(t, draft(fmt.Sprintf("%s-writer%d", tag, i)))
		}
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() { _, errs[i] = stores[i%len(stores)].Write(ctx, "pkg", tag, imgs[i], expect) })
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: writers %d and %d both succeeded", round, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, backend.ErrConflict):
				t.Fatalf("round %d: writer %d: %v, want ErrConflict", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no writer succeeded: %v", round, errs)
		}
		if h, _ := stores[0].Head(ctx, "pkg", tag); h != mustDigest(t, imgs[winner]) {
			t.Fatalf("round %d: tag at %s, not at the winner's image", round, h)
		}
	}
}

// replaceAfterPut plays a writer in another process: right after the
// client's manifest PUT to a path ending in suffix, it PUTs manifest there.
func replaceAfterPut(suffix string, manifest []byte) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		var once sync.Once
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r)
			if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, suffix) {
				once.Do(func() {
					req := httptest.NewRequest(http.MethodPut, r.URL.Path, bytes.NewReader(manifest))
					req.Header.Set("Content-Type", string(manifestMediaType))
					h.ServeHTTP(httptest.NewRecorder(), req)
				})
			}
		})
	}
}

// A writer that lands between the push and the confirming HEAD is detected.
func TestWriteDetectsLaterWriter(t *testing.T) {
	ctx := testContext(t)
	other := mustBuild(t, draft("the other process's"))
	raw, err := other.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t, newRegistry(t, replaceAfterPut("/pkgs/pkg/manifests/ws", raw))+"/pkgs", StoreOptions{})
	_, err = s.Write(ctx, "pkg", "ws", mustBuild(t, draft("mine")), v1.Hash{})
	if !errors.Is(err, backend.ErrConflict) || !strings.Contains(err.Error(), "another writer replaced it") {
		t.Fatalf("Write = %v, want ErrConflict saying another writer replaced it", err)
	}
	if h, _ := s.Head(ctx, "pkg", "ws"); h != mustDigest(t, other) {
		t.Fatalf("tag at %s, want the other writer's image", h)
	}
}
