package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

func TestMirrorsOpenConcurrentlyReturnsOneMirror(t *testing.T) {
	ms := NewMirrors()
	dir := filepath.Join(t.TempDir(), "m")
	ep := Endpoint{URL: "http://127.0.0.1:1/none.git"}
	const openers = 16
	got := make([]*Mirror, openers)
	var wg sync.WaitGroup
	for i := range openers {
		wg.Go(func() {
			// Two spellings of one folder are one mirror.
			d := dir
			if i%2 == 1 {
				d = filepath.Join(dir, "x", "..")
			}
			m, err := ms.Open(d, ep)
			if err != nil {
				t.Error(err)
			}
			got[i] = m
		})
	}
	wg.Wait()
	for i, m := range got {
		if m == nil || m != got[0] {
			t.Fatalf("Open %d returned %p, Open 0 returned %p: want one Mirror per folder", i, m, got[0])
		}
	}
	other, err := ms.Open(filepath.Join(t.TempDir(), "other"), ep)
	if err != nil {
		t.Fatal(err)
	}
	if other == got[0] {
		t.Fatal("two folders share a Mirror")
	}
}

// registryEnv is the layout repository on a fresh server, and a registry
// in which the folder dir is not opened yet.
type registryEnv struct {
	r   *layoutRepo
	srv *gitserver.Server
	ep  Endpoint
	ms  *Mirrors
	dir string
}

func newRegistryEnv(t *testing.T, name string) *registryEnv {
	r := buildLayoutRepo(t)
	srv, ep := serve(t, r, name)
	return &registryEnv{r: r, srv: srv, ep: ep, ms: NewMirrors(), dir: filepath.Join(t.TempDir(), "m")}
}

// open opens the folder with ep.
func (e *registryEnv) open(t *testing.T, ep Endpoint) *Mirror {
	t.Helper()
	m, err := e.ms.Open(e.dir, ep)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMirrorsOpenUpdatesTheEndpoint(t *testing.T) {
	e := newRegistryEnv(t, "ep")
	ctx := testContext(t)
	m := e.open(t, Endpoint{URL: e.ep.URL, Credentials: backend.Credentials{Username: user, Password: "wrong"}})
	if err := m.FetchOnce(ctx); !errors.Is(err, backend.ErrAuthentication) {
		t.Fatalf("FetchOnce with a wrong password = %v, want ErrAuthentication", err)
	}
	if e.open(t, e.ep) != m {
		t.Fatal("Open with new credentials returned another Mirror")
	}
	// The holder of the first pointer fetches with the new credentials, and
	// FetchOnce still fetches: the failed one does not count.
	if err := m.FetchOnce(ctx); err != nil {
		t.Fatalf("FetchOnce after the credentials were updated: %v", err)
	}
	if len(mirrorRefs(t, m)) == 0 {
		t.Fatal("the mirror has no refs after a fetch")
	}

	// A new address: the mirror's refs came from elsewhere, so FetchOnce
	// fetches again, from the new address.
	moved := Endpoint{URL: e.srv.RepoURL("moved"), Credentials: e.ep.Credentials}
	e.r.f.ref("refs/heads/only-at-the-new-address", e.r.hashes["M"])
	e.r.f.push(ctx, moved)
	e.open(t, moved)
	if !fetchSees(t, m.FetchOnce, m, "refs/heads/only-at-the-new-address") {
		t.Fatal("FetchOnce after a change of address did not fetch from the new address")
	}
}

func TestMirrorFetchOnceFetchesOnce(t *testing.T) {
	e := newRegistryEnv(t, "once")
	ctx := testContext(t)
	m := e.open(t, e.ep)
	if err := m.FetchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.r.f.ref("refs/heads/later", e.r.hashes["M"])
	e.r.f.push(ctx, e.ep)
	if fetchSees(t, m.FetchOnce, m, "refs/heads/later") {
		t.Fatal("the second FetchOnce fetched")
	}
	if !fetchSees(t, m.Fetch, m, "refs/heads/later") {
		t.Fatal("Fetch did not fetch")
	}
}

func TestMirrorsRemove(t *testing.T) {
	e := newRegistryEnv(t, "rm")
	ctx := testContext(t)
	ms, dir, ep := e.ms, e.dir, e.ep
	m := e.open(t, ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(m, WriterOptions{Branch: "main"})
	if err != nil {
		t.Fatal(err)
	}

	if err := ms.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the folder is still there after Remove: %v", err)
	}
	// Whoever still holds the removed Mirror is told to open it again,
	// rather than writing a half repository where the folder was.
	if err := m.Fetch(ctx); !errors.Is(err, ErrMirrorRemoved) {
		t.Fatalf("Fetch on a removed Mirror = %v, want ErrMirrorRemoved", err)
	}
	if _, err := m.Discover(DiscoverOptions{Branch: "main"}); !errors.Is(err, ErrMirrorRemoved) {
		t.Fatalf("Discover on a removed Mirror = %v, want ErrMirrorRemoved", err)
	}
	if err := w.ProposeDeletion(ctx, "a", 2); !errors.Is(err, ErrMirrorRemoved) {
		t.Fatalf("a write on a removed Mirror = %v, want ErrMirrorRemoved", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("using a removed Mirror recreated the folder: %v", err)
	}

	fresh := e.open(t, ep)
	if fresh == m {
		t.Fatal("Open after Remove returned the removed Mirror")
	}
	if err := fresh.FetchOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(mirrorRefs(t, fresh)) == 0 {
		t.Fatal("a mirror opened after Remove does not fetch")
	}

	// A folder left by an earlier process, never opened in this one.
	if err := ms.Remove(filepath.Join(t.TempDir(), "never-opened")); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(t.TempDir(), "leftover")
	if _, err := OpenMirror(leftover, ep); err != nil {
		t.Fatal(err)
	}
	if err := ms.Remove(leftover); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("a folder never opened through the registry survives Remove: %v", err)
	}
}

// TestMirrorsRemoveWhileInUse runs Opens, fetches and Removes of one folder
// at once: under the race detector, and every operation either works or
// says the mirror was removed.
func TestMirrorsRemoveWhileInUse(t *testing.T) {
	e := newRegistryEnv(t, "busy")
	ctx := testContext(t)
	ms, dir, ep := e.ms, e.dir, e.ep
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			for range 3 {
				if i%3 == 0 {
					if err := ms.Remove(dir); err != nil {
						t.Error(err)
					}
					continue
				}
				m, err := ms.Open(dir, ep)
				if err != nil {
					t.Error(err)
					return
				}
				if err := m.Fetch(ctx); err != nil && !errors.Is(err, ErrMirrorRemoved) {
					t.Errorf("Fetch: %v", err)
				}
			}
		})
	}
	wg.Wait()
	m := e.open(t, ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatalf("Fetch after the storm: %v", err)
	}
	if _, err := m.Discover(DiscoverOptions{Branch: "main"}); err != nil {
		t.Fatalf("Discover after the storm: %v", err)
	}
}

// fetchSees runs fetch, of m, and says whether m then holds the ref.
func fetchSees(t *testing.T, fetch func(context.Context) error, m *Mirror, ref string) bool {
	t.Helper()
	if err := fetch(testContext(t)); err != nil {
		t.Fatal(err)
	}
	return containsRef(t, m, ref)
}

func containsRef(t *testing.T, m *Mirror, name string) bool {
	t.Helper()
	for _, ref := range mirrorRefs(t, m) {
		if ref.Name().String() == name {
			return true
		}
	}
	return false
}
