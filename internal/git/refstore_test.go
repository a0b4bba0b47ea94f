package git

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/porch-dev/porch/internal/backend"
)

// TestMirrorRefsOnDiskMatchMemory checks that what a process leaves on
// disk is what it served from memory: a Mirror opened afresh on the folder,
// as after a restart, reads the same refs, after a fetch that added, moved
// and pruned refs.
func TestMirrorRefsOnDiskMatchMemory(t *testing.T) {
	r := buildLayoutRepo(t)
	m, ep := mirrorOf(t, r)
	ctx := testContext(t)
	moveRemote(ctx, r, ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	inMemory := mirrorRefs(t, m)

	again, err := OpenMirror(m.dir, ep)
	if err != nil {
		t.Fatal(err)
	}
	onDisk := mirrorRefs(t, again)
	if RefsHash(onDisk) != RefsHash(inMemory) {
		t.Fatalf("refs read from disk %q differ from those served %q", refNames(t, onDisk), refNames(t, inMemory))
	}
	remote, err := ListRemoteRefs(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	if RefsHash(onDisk) != RefsHash(remote) {
		t.Fatalf("refs on disk %q differ from the remote's %q", refNames(t, onDisk), refNames(t, remote))
	}
}

// TestMirrorUnpacksPackedRefs checks that a mirror whose refs an earlier
// version packed is read whole, and left with loose refs only, so that a
// later prune removes a file instead of rewriting packed-refs.
func TestMirrorUnpacksPackedRefs(t *testing.T) {
	r := buildLayoutRepo(t)
	m, ep := mirrorOf(t, r)
	want := refNames(t, mirrorRefs(t, m))
	st := m.objectStorage(filesystem.Options{})
	if err := st.PackRefs(); err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	if _, err := os.Stat(filepath.Join(m.dir, packedRefsFile)); err != nil {
		t.Fatalf("the test needs a packed-refs file: %v", err)
	}

	reopened, err := OpenMirror(m.dir, ep)
	if err != nil {
		t.Fatal(err)
	}
	if got := refNames(t, mirrorRefs(t, reopened)); !slices.Equal(got, want) {
		t.Fatalf("refs after unpacking = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(m.dir, packedRefsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("packed-refs is still there: %v", err)
	}
	if got := refNames(t, mirrorRefs(t, mustOpen(t, m.dir, ep))); !slices.Equal(got, want) {
		t.Fatalf("refs read from the loose files = %q, want %q", got, want)
	}
	if err := reopened.Fetch(testContext(t)); err != nil {
		t.Fatalf("fetching into the unpacked mirror: %v", err)
	}
}

func mustOpen(t *testing.T, dir string, ep Endpoint) *Mirror {
	t.Helper()
	m, err := OpenMirror(dir, ep)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFetchFollowsRefsToKnownObjects checks that a fetch whose new refs
// lead only to objects the mirror holds asks the server for no pack, and
// that one needing objects fetches them; both leave the remote's refs.
func TestFetchFollowsRefsToKnownObjects(t *testing.T) {
	r := buildLayoutRepo(t)
	srv := startServer(t, basicAuth)
	var packs atomic.Int32
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/git-upload-pack") {
			packs.Add(1)
		}
		srv.Handler().ServeHTTP(w, req)
	}))
	t.Cleanup(web.Close)
	ep := Endpoint{URL: web.URL + "/layout.git", Credentials: backend.Credentials{Username: user, Password: password}}
	ctx := testContext(t)
	r.f.push(ctx, ep)
	m := mustOpen(t, filepath.Join(t.TempDir(), "mirror"), ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if packs.Load() != 1 {
		t.Fatalf("the first fetch asked for %d packs, want 1", packs.Load())
	}

	// A tag on a commit the mirror has, and a branch deleted.
	r.f.ref("refs/tags/a/v9", r.hashes["M"])
	r.f.push(ctx, ep, "refs/heads/proposed/a/ws4")
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if packs.Load() != 1 {
		t.Errorf("a fetch of refs to known objects asked for a pack")
	}
	sameRefs(t, m, ep)

	moveRemote(ctx, r, ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if packs.Load() != 2 {
		t.Errorf("a fetch of new commits asked for %d packs in all, want 2", packs.Load())
	}
	sameRefs(t, m, ep)
}

func sameRefs(t *testing.T, m *Mirror, ep Endpoint) {
	t.Helper()
	remote, err := ListRemoteRefs(testContext(t), ep)
	if err != nil {
		t.Fatal(err)
	}
	if local := mirrorRefs(t, m); RefsHash(local) != RefsHash(remote) {
		t.Fatalf("mirror refs %q differ from the remote's %q", refNames(t, local), refNames(t, remote))
	}
}
