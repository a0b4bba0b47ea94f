package git

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/go-git/go-billy/v5/osfs"
	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// mirrorObjectCache bounds the decoded objects each mirror keeps in memory.
// Discovery reads every package tree and blob once per pass and caches what
// it derives, so the object cache mostly serves delta bases inside packs; a
// few tens of MiB keeps that fast without making many mirrors expensive.
const mirrorObjectCache = 32 * cache.MiByte

// discoverOpenPacks is how many pack files a discovery keeps open at once;
// a mirror fetched incrementally holds one pack per fetch.
const discoverOpenPacks = 16

// mirrorFetchSpecs make the local branches, tags and revision marks equal
// to the remote's, moved by force, because the remote is the only source
// of truth.
var mirrorFetchSpecs = []config.RefSpec{
	"+refs/heads/*:refs/heads/*",
	"+refs/tags/*:refs/tags/*",
	"+" + revisionMarksPrefix + "*:" + revisionMarksPrefix + "*",
}

// Mirror is a bare local copy of one remote repository, kept on disk under a
// cache folder and fetched incrementally.
//
// A Mirror is safe for concurrent use: Fetch, Refs, Discover and the
// writes of its Writers run one at a time on it. The lock is the Mirror's,
// so a process must use one Mirror per folder: get it from Mirrors, which
// every controller of the process shares. It holds no open files between
// calls.
type Mirror struct {
	dir   string
	cache cache.Object
	// mu serialises every use of the folder, so that no write sees a
	// fetch half done and no fetch overwrites a ref a write just set. It
	// also guards the fields below.
	mu sync.Mutex
	ep Endpoint
	// fetched says a fetch through this Mirror succeeded: see FetchOnce.
	fetched bool
	// removed says Mirrors.Remove deleted the folder: the Mirror is done
	// with, and Mirrors.Open hands out a new one.
	removed bool
	// refs are the mirror's refs, read from disk on first use; see refTable.
	refs refTable
	// store is the object store of the callers holding mu. It is kept, so
	// that the pack indexes are read once rather than at every write; it
	// learns of the packs that fetches add through it, and it closes its
	// pack files at the end of each call.
	store *filesystem.Storage
	// derived is what the last discovery derived from objects, for the next.
	derived *derived
	// refGuard orders the creation of objects from fetched refs against
	// the deletion of refs and then of their objects: see HoldRef. It is
	// taken before mu, never while holding it.
	refGuard sync.RWMutex
}

// ErrMirrorRemoved is returned by a Mirror, and the Writers on it, once
// its folder was removed through Mirrors.Remove: open the mirror again.
var ErrMirrorRemoved = errors.New("the local mirror was removed; open it again")

// OpenMirror opens the bare repository at dir, creating it when absent. ep is
// the remote (URL and credentials) that Fetch reads from.
//
// Opening is cheap and keeps no file open. Two Mirrors of one folder do not
// exclude each other: outside tests, use Mirrors.Open.
func OpenMirror(dir string, ep Endpoint) (*Mirror, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the mirror folder: %w", err)
	}
	m := &Mirror{dir: dir, ep: ep, cache: cache.NewObjectLRU(mirrorObjectCache)}
	st := m.objectStorage(filesystem.Options{})
	defer st.Close()
	_, err := gogit.Open(st, nil)
	if errors.Is(err, gogit.ErrRepositoryNotExists) {
		_, err = gogit.InitWithOptions(st, nil, gogit.InitOptions{DefaultBranch: plumbing.Main})
	}
	if err != nil {
		return nil, fmt.Errorf("opening the mirror at %s: %w", dir, err)
	}
	return m, nil
}

// objectStorage opens the mirror's object store, for reading objects
// without the lock. Each call gets its own store so that no pack file stays
// open after the call that needed it. Its refs are the disk's: read them
// through storage.
func (m *Mirror) objectStorage(opts filesystem.Options) *filesystem.Storage {
	return filesystem.NewStorageWithOptions(osfs.New(m.dir), m.cache, opts)
}

// storage is the mirror's object and reference store for a caller holding
// the lock, with the refs served from memory. Close it when done, which
// closes the pack files it opened.
func (m *Mirror) storage() (mirrorStore, error) {
	if m.store == nil {
		m.store = m.objectStorage(filesystem.Options{})
	}
	if m.refs == nil {
		refs, err := loadRefs(m.dir, m.store)
		if err != nil {
			return mirrorStore{}, err
		}
		m.refs = refs
	}
	return mirrorStore{Storage: m.store, refs: m.refs}, nil
}

// Fetch makes the mirror's branches and tags equal to the remote's, pruning
// the ones the remote no longer has. A failed fetch leaves the refs as they
// were: go-git updates refs only after the whole pack has been stored.
// Errors wrap backend.ErrAuthentication or ErrUnreachable, without
// credentials.
func (m *Mirror) Fetch(ctx context.Context) error {
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	return m.fetch(ctx)
}

// FetchOnce fetches unless a fetch through this Mirror already succeeded.
// A writer calls it before its first read: from then on its own pushes
// keep the mirror current for what it writes, and a lost race
// (backend.ErrConflict) tells it to Fetch again, so that it need not
// fetch before every write. A Mirror from Mirrors lives as long as the
// process, so this fetches once per process and folder.
func (m *Mirror) FetchOnce(ctx context.Context) error {
	if err := m.lock(); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.fetched {
		return nil
	}
	return m.fetch(ctx)
}

// lock takes mu, unless the Mirror was removed.
func (m *Mirror) lock() error {
	m.mu.Lock()
	if m.removed {
		m.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrMirrorRemoved, m.dir)
	}
	return nil
}

// fetch is Fetch for a caller holding mu.
func (m *Mirror) fetch(ctx context.Context) error {
	ctx, end := startOperation(ctx, "fetch", m.ep)
	err := m.fetchRefs(ctx)
	end(err)
	if err == nil {
		m.fetched = true
	}
	return err
}

func (m *Mirror) fetchRefs(ctx context.Context) error {
	if err := checkURL(m.ep.URL); err != nil {
		return err
	}
	st, err := m.storage()
	if err != nil {
		return err
	}
	defer st.Close()
	if done, err := m.followRemoteRefs(ctx, st); done || err != nil {
		return err
	}
	remote := gogit.NewRemote(st, &config.RemoteConfig{Name: "origin", URLs: []string{m.ep.URL}})
	err = remote.FetchContext(ctx, &gogit.FetchOptions{
		RemoteName: "origin",
		RefSpecs:   mirrorFetchSpecs,
		Auth:       authMethod(m.ep.Credentials),
		Prune:      true,
		// The tag refspec already names every tag; tag following would only
		// add a second, partial, way of getting them.
		Tags: gogit.NoTags,
	})
	switch {
	case err == nil, errors.Is(err, gogit.NoErrAlreadyUpToDate):
		return nil
	case errors.Is(err, transport.ErrEmptyRemoteRepository):
		// The remote answered and has no refs at all: mirror that.
		refs, err := listLocalRefs(st)
		if err == nil {
			err = removeRefs(st, refs)
		}
		if err != nil {
			return fmt.Errorf("emptying the mirror of %s: %w", SafeURL(m.ep.URL), err)
		}
		return nil
	default:
		return classify(m.ep, "fetching", err)
	}
}

// followRemoteRefs makes the mirror's refs the remote's without a fetch
// when the mirror already holds every commit and tag they lead to, and says
// whether it did. That is the case after this process's own writes, which
// store their objects in the mirror as they push them; a fetch would
// then only negotiate, offering the server every ref the mirror has.
//
// An object in the mirror comes with everything it refers to: fetches
// store whole packs, and writes store objects before those that name them.
func (m *Mirror) followRemoteRefs(ctx context.Context, st mirrorStore) (bool, error) {
	remote, err := ListRemoteRefs(ctx, m.ep)
	if err != nil {
		return false, err
	}
	local, err := listLocalRefs(st)
	if err != nil {
		return false, err
	}
	have, want := refMap(local), refMap(remote)
	var moved []*plumbing.Reference
	for _, ref := range remote {
		if have[ref.Name()] == ref.Hash() {
			continue
		}
		if st.HasEncodedObject(ref.Hash()) != nil {
			return false, nil
		}
		moved = append(moved, ref)
	}
	for _, ref := range moved {
		if err := st.SetReference(ref); err != nil {
			return false, err
		}
	}
	for name := range have {
		if _, kept := want[name]; !kept {
			if err := st.RemoveReference(name); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// Refs returns the mirror's current branches and tags, sorted by name.
func (m *Mirror) Refs() ([]*plumbing.Reference, error) {
	refs, _, err := m.snapshot()
	return refs, err
}

// snapshot reads, together under the lock, the mirror's branches and tags
// and what its last discovery derived.
func (m *Mirror) snapshot() ([]*plumbing.Reference, *derived, error) {
	if err := m.lock(); err != nil {
		return nil, nil, err
	}
	defer m.mu.Unlock()
	st, err := m.storage()
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	refs, err := listLocalRefs(st)
	return refs, m.derived, err
}

func listLocalRefs(st storer.ReferenceStorer) ([]*plumbing.Reference, error) {
	iter, err := st.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("listing the mirror's refs: %w", err)
	}
	var refs []*plumbing.Reference
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		refs = append(refs, ref)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the mirror's refs: %w", err)
	}
	return layoutRefs(refs), nil
}

func removeRefs(st storer.ReferenceStorer, refs []*plumbing.Reference) error {
	for _, ref := range refs {
		if err := st.RemoveReference(ref.Name()); err != nil {
			return err
		}
	}
	return nil
}
