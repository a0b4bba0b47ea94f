package git

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/storage/filesystem"
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
