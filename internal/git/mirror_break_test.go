package git

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

// breakingHandler serves git, but while broken it cuts every pack response
// off after a few bytes, as a connection that drops in the middle of a fetch.
type breakingHandler struct {
	next   http.Handler
	broken atomic.Bool
	cuts   atomic.Int32
}

func (h *breakingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.broken.Load() && strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
		w = &cutWriter{ResponseWriter: w, left: 64, cuts: &h.cuts}
	}
	h.next.ServeHTTP(w, r)
}

type cutWriter struct {
	http.ResponseWriter
	left int
	cuts *atomic.Int32
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if len(p) > c.left {
		_, _ = c.ResponseWriter.Write(p[:c.left])
		if f, ok := c.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		c.cuts.Add(1)
		panic(http.ErrAbortHandler) // drops the connection mid-response
	}
	c.left -= len(p)
	return c.ResponseWriter.Write(p)
}

func TestMirrorFetchBrokenMidwayKeepsRefsAndRecovers(t *testing.T) {
	r := buildLayoutRepo(t)
	srv, err := gitserver.New(gitserver.Options{Root: t.TempDir(), AutoCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	h := &breakingHandler{next: srv.Handler()}
	web := httptest.NewServer(h)
	t.Cleanup(web.Close)
	ctx := testContext(t)
	ep := Endpoint{URL: web.URL + "/midway.git"}
	r.f.push(ctx, ep)
	m, err := OpenMirror(filepath.Join(t.TempDir(), "mirror"), ep)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	before := RefsHash(mirrorRefs(t, m))
	first, err := m.Discover(DiscoverOptions{Branch: "main"})
	if err != nil {
		t.Fatal(err)
	}

	// The remote moves on, and the next fetch breaks while the pack streams.
	newer := r.f.commit(merge(files("README.md", "# packages\n"), files("a/Kptfile", kptfilePlain, "a/cm.yaml", "v: 9\n")),
		"more\n\n"+kpt("a", "ws9", "9", "")+"\n", r.hashes["M"])
	r.f.ref("refs/tags/a/v9", newer)
	r.f.ref("refs/heads/main", newer)
	r.f.push(ctx, ep)
	h.broken.Store(true)
	err = m.Fetch(ctx)
	if h.cuts.Load() == 0 {
		t.Fatal("the fetch was never cut off; the test does not test anything")
	}
	if !errors.Is(err, backend.ErrUnreachable) {
		t.Fatalf("a fetch cut off midway: got %v, want ErrUnreachable", err)
	}
	if RefsHash(mirrorRefs(t, m)) != before {
		t.Fatal("a fetch cut off midway moved the mirror's refs")
	}
	again, err := m.Discover(DiscoverOptions{Branch: "main"})
	if err != nil {
		t.Fatalf("the mirror does not read after a broken fetch: %v", err)
	}
	if len(again.Revisions) != len(first.Revisions) || again.BranchCommit != first.BranchCommit {
		t.Fatalf("discovery changed after a broken fetch: %d revisions at %s, was %d at %s",
			len(again.Revisions), again.BranchCommit, len(first.Revisions), first.BranchCommit)
	}

	// With the connection healthy again, the next fetch converges.
	h.broken.Store(false)
	if err := m.Fetch(ctx); err != nil {
		t.Fatalf("fetch after recovery: %v", err)
	}
	remote, err := ListRemoteRefs(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	if RefsHash(mirrorRefs(t, m)) != RefsHash(remote) {
		t.Fatal("the mirror did not converge on the remote after recovery")
	}
	after, err := m.Discover(DiscoverOptions{Branch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if after.BranchCommit != newer.String() {
		t.Fatalf("BranchCommit = %s, want %s", after.BranchCommit, newer)
	}
}
