package oci

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/porch-dev/porch/internal/backend"
)

func TestPackagesFromCatalog(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	write := func(registry, pkg string) {
		if _, err := newStore(t, registry, StoreOptions{}).Write(ctx, pkg, "ws", mustBuild(t, draft(pkg)), v1.Hash{}); err != nil {
			t.Fatalf("Write %s/%s: %v", registry, pkg, err)
		}
	}
	write(host+"/pkgs", "a")
	write(host+"/pkgs", "nested/b")
	write(host+"/pkgsx", "d") // shares the prefix's letters, not its path
	write(host+"/other", "c")
	write(host, "top")

	tests := []struct {
		registry string
		want     []string
	}{
		{host + "/pkgs", []string{"a", "nested/b"}},
		{host + "/other", []string{"c"}},
		{host + "/empty", []string{}},
		// The whole registry: everything but its own index, the indexes of
		// the paths below included, since they are just repositories here.
		{host, []string{"other/c", "other/porch-index", "pkgs/a", "pkgs/nested/b", "pkgs/porch-index", "pkgsx/d", "pkgsx/porch-index", "top"}},
	}
	for _, tt := range tests {
		t.Run(tt.registry, func(t *testing.T) {
			got, err := newStore(t, tt.registry, StoreOptions{}).Packages(ctx)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Packages = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// refuseCatalog answers /v2/_catalog as registries without one do.
func refuseCatalog(status int, contentType, body string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/_catalog") {
				w.Header().Set("Content-Type", contentType)
				if status == http.StatusUnauthorized {
					w.Header().Set("WWW-Authenticate", `Basic realm="registry"`)
				}
				w.WriteHeader(status)
				_, _ = w.Write([]byte(body))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

func TestPackagesFallsBackToIndex(t *testing.T) {
	const jsonType = "application/json"
	tests := []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{
		{"404 (GHCR)", refuseCatalog(http.StatusNotFound, jsonType, `{"errors":[{"code":"NOT_FOUND"}]}`)},
		{"401 (Docker Hub, Harbor)", refuseCatalog(http.StatusUnauthorized, jsonType, `{"errors":[{"code":"UNAUTHORIZED"}]}`)},
		{"403", refuseCatalog(http.StatusForbidden, jsonType, `{"errors":[{"code":"DENIED"}]}`)},
		{"405", refuseCatalog(http.StatusMethodNotAllowed, jsonType, `{"errors":[{"code":"UNSUPPORTED"}]}`)},
		{"an answer that is not a catalog", refuseCatalog(http.StatusOK, "text/html", "<html>registry</html>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			s := newStore(t, newRegistry(t, tt.wrap)+"/pkgs", StoreOptions{})
			expect := func(want ...string) {
				t.Helper()
				got, err := s.Packages(ctx)
				if err != nil || !reflect.DeepEqual(got, append([]string{}, want...)) {
					t.Fatalf("Packages = %q, %v; want %q", got, err, want)
				}
			}
			expect() // no index yet: empty, not an error
			var digests []v1.Hash
			for _, pkg := range []string{"nested/b", "a", "a"} {
				tag := fmt.Sprintf("ws%d", len(digests))
				d, err := s.Write(ctx, pkg, tag, mustBuild(t, draft(pkg+tag)), v1.Hash{})
				if err != nil {
					t.Fatal(err)
				}
				digests = append(digests, d)
			}
			expect("a", "nested/b")
			if err := s.Delete(ctx, "a", "ws1", digests[1]); err != nil {
				t.Fatal(err)
			}
			expect("a", "nested/b") // a still has ws2
			if err := s.Delete(ctx, "a", "ws2", digests[2]); err != nil {
				t.Fatal(err)
			}
			expect("nested/b") // the last tag of a took it out of the index
		})
	}
}

func TestPackagesReportsOtherFailures(t *testing.T) {
	ctx := testContext(t)
	s := newStore(t, newRegistry(t, refuseCatalog(http.StatusTeapot, "application/json", `{"errors":[{"code":"SENTINEL-BODY"}]}`))+"/pkgs", StoreOptions{})
	_, err := s.Packages(ctx)
	if !errors.Is(err, backend.ErrUnreachable) || !strings.Contains(err.Error(), "HTTP 418") || strings.Contains(err.Error(), "SENTINEL") {
		t.Fatalf("Packages = %v, want ErrUnreachable by status, without the body", err)
	}
}

// Stores of one process update the index one at a time; an update that
// meets another process's index change reads it again and keeps both.
func TestIndexUpdates(t *testing.T) {
	t.Run("concurrent in one process", func(t *testing.T) {
		ctx := testContext(t)
		host := newRegistry(t, refuseCatalog(http.StatusNotFound, "application/json", "{}"))
		var wg sync.WaitGroup
		var want []string
		for i := range 8 {
			pkg := fmt.Sprintf("p%d", i)
			want = append(want, pkg)
			wg.Go(func() {
				if err := newStore(t, host+"/pkgs", StoreOptions{}).AddToIndex(ctx, pkg); err != nil {
					t.Errorf("AddToIndex(%s): %v", pkg, err)
				}
			})
		}
		wg.Wait()
		got, err := newStore(t, host+"/pkgs", StoreOptions{}).Packages(ctx)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Packages = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("another process's change", func(t *testing.T) {
		ctx := testContext(t)
		theirs, err := buildIndex(indexContent{Packages: []string{"theirs"}})
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := theirs.RawManifest()
		host := newRegistry(t, func(h http.Handler) http.Handler {
			return refuseCatalog(http.StatusNotFound, "application/json", "{}")(replaceAfterPut("/pkgs/porch-index/manifests/latest", raw)(h))
		})
		scratch, _ := name.NewTag(host + "/scratch:blobs") // pkg/registry keeps blobs for every repository
		if err := remote.Write(scratch, theirs, remote.WithContext(ctx)); err != nil {
			t.Fatal(err)
		}
		s := newStore(t, host+"/pkgs", StoreOptions{})
		if err := s.AddToIndex(ctx, "mine"); err != nil {
			t.Fatalf("AddToIndex: %v", err)
		}
		got, err := s.Packages(ctx)
		if err != nil || !slices.Equal(got, []string{"mine", "theirs"}) {
			t.Fatalf("Packages = %q, %v; want both writers' packages", got, err)
		}
	})
}

// go-containerregistry's registry answers a catalog page of at most the
// size asked, in no order, with no link to the next: a registry of more
// repositories than a page lists them all only when the page is large
// enough, and would otherwise drop some at random.
func TestPackagesOfARegistryLargerThanAPage(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	img := mustBuild(t, draft("shared"))
	const packages = 1100
	var wg sync.WaitGroup
	errs := make(chan error, packages)
	for i := range packages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref, err := name.ParseReference(fmt.Sprintf("%s/fleet/pkg%04d:ws", host, i))
			if err == nil {
				err = remote.Write(ref, img)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := newStore(t, host+"/fleet", StoreOptions{}).Packages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != packages {
		t.Fatalf("Packages listed %d of %d packages", len(got), packages)
	}
}
