package oci

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// requestCounter counts a registry's requests by method, and the GETs of
// manifests and blobs, which carry content.
type requestCounter struct {
	pings, catalogs, tagLists, heads, contentGets, other atomic.Int64
}

func (c *requestCounter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/v2/" || p == "/v2":
			c.pings.Add(1)
		case strings.HasSuffix(p, "/_catalog"):
			c.catalogs.Add(1)
		case strings.HasSuffix(p, "/tags/list"):
			c.tagLists.Add(1)
		case r.Method == http.MethodHead:
			c.heads.Add(1)
		case r.Method == http.MethodGet && (strings.Contains(p, "/manifests/") || strings.Contains(p, "/blobs/")):
			c.contentGets.Add(1)
		default:
			c.other.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}

// requests counts every request but the pings a client makes before its
// first request to a registry, to learn how it authenticates.
func (c *requestCounter) requests() int64 {
	return c.catalogs.Load() + c.tagLists.Load() + c.heads.Load() + c.contentGets.Load() + c.other.Load()
}

func (c *requestCounter) reset() {
	for _, n := range []*atomic.Int64{&c.pings, &c.catalogs, &c.tagLists, &c.heads, &c.contentGets, &c.other} {
		n.Store(0)
	}
}

// A registry path of packages, one of them not a package, one over the
// content limit: the listing names every tag with its digest, discovery
// reads each package once, and a second discovery of the same listing
// reads nothing but the listing.
func TestListAndDiscover(t *testing.T) {
	ctx := testContext(t)
	var counted requestCounter
	host := newRegistry(t, counted.wrap)
	s := newStore(t, host+"/packages", StoreOptions{MaxPackageBytes: 4096})

	published := draft("v1")
	published.Lifecycle, published.Revision = porchv1alpha1.PackageRevisionLifecyclePublished, 1
	big := draft("big")
	big.Files["big.yaml"] = strings.Repeat("x", 8192)
	writes := map[string]Package{"basens:v1": published, "basens:wip": draft("wip"), "nested/app:main": draft("app"), "huge:v1": big}
	digests := map[string]v1.Hash{}
	for ref, p := range writes {
		pkg, tag, _ := strings.Cut(ref, ":")
		d, err := s.Write(ctx, pkg, tag, mustBuild(t, p), v1.Hash{})
		if err != nil {
			t.Fatalf("writing %s: %v", ref, err)
		}
		digests[ref] = d
	}
	// Not a package: two layers, pushed by another tool.
	notPackage := imageOf(t, gzLayer(t, tarGz(t, file("Kptfile", "x")), nil), gzLayer(t, tarGz(t, file("b", "y")), nil))
	repo, _ := s.repository("broken")
	if err := remote.Write(repo.Tag("v1"), notPackage); err != nil {
		t.Fatal(err)
	}

	// basens:latest, the package's placeholder (see latest.go), is listed too.
	basensRepo, _ := s.repository("basens")
	if err := remote.Write(basensRepo.Tag(LatestTag), asLatest(mustBuild(t, published))); err != nil {
		t.Fatal(err)
	}

	counted.reset()
	l, err := s.List(ctx, 4)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var refs []string
	for _, e := range l {
		refs = append(refs, e.Ref())
		if want, ok := digests[e.Ref()]; ok && e.Digest != want {
			t.Errorf("%s listed at %s, written at %s", e.Ref(), e.Digest, want)
		}
	}
	if got, want := strings.Join(refs, " "), "basens:latest basens:v1 basens:wip broken:v1 huge:v1 nested/app:main"; got != want {
		t.Fatalf("listed %q, want %q", got, want)
	}
	// One catalog read (the index is not asked: the catalog answered),
	// one tag listing per package, one HEAD per tag, no content.
	if c, tl, h, g, o := counted.catalogs.Load(), counted.tagLists.Load(), counted.heads.Load(), counted.contentGets.Load(), counted.other.Load(); c != 1 || tl != 4 || h != int64(len(l)) || g != 0 || o != 0 {
		t.Errorf("listing made %d catalog reads, %d tag listings, %d HEADs, %d content GETs, %d others; want 1, 4, %d, 0, 0", c, tl, h, g, o, len(l))
	}
	if got := counted.pings.Load(); got > 4 {
		t.Errorf("listing pinged the registry %d times: the Store should reuse its transports", got)
	}

	cache := NewCache()
	revs, skipped, err := s.Discover(ctx, l, cache, 4)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "broken:v1") || !strings.Contains(skipped[0], "has 2 layers") {
		t.Errorf("skipped = %q, want the two-layer image named, with the reason", skipped)
	}
	byRef := map[string]Revision{}
	for _, r := range revs {
		byRef[r.Ref()] = r
	}
	if len(byRef) != 5 {
		t.Fatalf("discovered %d revisions, want 5: %v", len(byRef), refs)
	}
	if l, v := byRef["basens:latest"], byRef["basens:v1"]; l.Digest == v.Digest || l.Layer != v.Layer || l.Content.Revision != 1 {
		t.Errorf("basens:latest = %+v, want revision 1's files under a manifest of its own", l)
	}
	if r := byRef["basens:v1"]; r.Content.Lifecycle != porchv1alpha1.PackageRevisionLifecyclePublished || r.Content.Revision != 1 ||
		r.Content.Files["cm.yaml"] != published.Files["cm.yaml"] || len(r.Content.Tasks) != 1 || r.Size == 0 || r.TooLarge {
		t.Errorf("basens:v1 = %+v", r)
	}
	if r := byRef["huge:v1"]; !r.TooLarge || r.Content.Files != nil || r.Content.Lifecycle != porchv1alpha1.PackageRevisionLifecycleDraft {
		t.Errorf("huge:v1 = %+v, want it known from its manifest, too large, without files", r)
	}
	if byRef["basens:wip"].Layer == byRef["nested/app:main"].Layer || byRef["basens:wip"].Layer == (v1.Hash{}) {
		t.Errorf("different files share the layer digest %s", byRef["basens:wip"].Layer)
	}

	counted.reset()
	again, skipped2, err := s.Discover(ctx, l, cache, 4)
	if err != nil {
		t.Fatalf("second Discover: %v", err)
	}
	if got := counted.requests(); got != 0 {
		t.Errorf("a second discovery of the same listing made %d requests, want none", got)
	}
	if againSkipped, want := strings.Join(skipped2, ","), strings.Join(skipped, ","); len(again) != len(revs) || againSkipped != want {
		t.Errorf("second discovery found %d revisions and skipped %q, want %d and %q", len(again), againSkipped, len(revs), want)
	}
}
