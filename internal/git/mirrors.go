package git

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Mirrors hands out one Mirror per folder to every user in the process.
//
// A Mirror's lock is what keeps a fetch and a write, or two writes, from
// interleaving on its folder; two Mirror objects on one folder would not
// exclude each other. The controllers that sync and write a repository
// therefore share one Mirrors, and get their Mirrors from it.
type Mirrors struct {
	mu      sync.Mutex
	mirrors map[string]*Mirror
}

// MirrorDir is the local bare mirror of a repository under the cache
// folder: one per Repository object (id is its UID), which the sync
// fetches into and the authoring controller writes through.
func MirrorDir(cacheDir, id string) string {
	return filepath.Join(cacheDir, "git", id)
}

// NewMirrors returns an empty registry.
func NewMirrors() *Mirrors {
	return &Mirrors{mirrors: map[string]*Mirror{}}
}

// Open returns the Mirror of dir, the same one to every caller, opening
// (and creating when absent) the folder on first use. When ep differs from
// the Mirror's endpoint, the Mirror uses ep from then on: the endpoint
// follows the Repository's spec and Secret, whoever read them last. A
// change of address also makes the next FetchOnce fetch, since what the
// mirror holds came from elsewhere.
//
// Open waits for the Mirror's current operation, such as a fetch, to end.
func (ms *Mirrors) Open(dir string, ep Endpoint) (*Mirror, error) {
	key, err := mirrorKey(dir)
	if err != nil {
		return nil, err
	}
	m := ms.lock(key)
	if m == nil {
		defer ms.mu.Unlock()
		m, err := OpenMirror(key, ep)
		if err != nil {
			return nil, err
		}
		ms.mirrors[key] = m
		return m, nil
	}
	defer m.mu.Unlock()
	if m.ep.URL != ep.URL {
		m.fetched = false
	}
	m.ep = ep
	return m, nil
}

// Remove deletes the folder of dir, under its Mirror's lock so that no
// operation on it is cut short, and forgets the Mirror: whoever still holds
// it gets ErrMirrorRemoved, and the next Open starts afresh. The folder is
// deleted even when no Mirror of it was opened in this process.
func (ms *Mirrors) Remove(dir string) error {
	key, err := mirrorKey(dir)
	if err != nil {
		return err
	}
	m := ms.lock(key)
	if m == nil {
		defer ms.mu.Unlock()
		return removeError(key, os.RemoveAll(key))
	}
	// A partly deleted folder is no mirror either: the Mirror is marked
	// removed all the same.
	err = os.RemoveAll(key)
	m.removed = true
	m.mu.Unlock()
	ms.forget(key, m)
	return removeError(key, err)
}

// lock returns the registered Mirror of key with its lock held. When there
// is none, it returns nil with the registry's lock held instead, so that
// no Mirror of key appears until the caller releases it. The Mirror's lock
// is taken without the registry's, which a long fetch would otherwise hold
// from every other folder; a Mirror removed meanwhile is forgotten, and
// the registry looked up again.
func (ms *Mirrors) lock(key string) *Mirror {
	for {
		ms.mu.Lock()
		m, ok := ms.mirrors[key]
		if !ok {
			return nil
		}
		ms.mu.Unlock()
		m.mu.Lock()
		if !m.removed {
			return m
		}
		m.mu.Unlock()
		ms.forget(key, m)
	}
}

// forget drops m from the registry, unless a newer Mirror replaced it.
func (ms *Mirrors) forget(key string, m *Mirror) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.mirrors[key] == m {
		delete(ms.mirrors, key)
	}
}

// mirrorKey is the folder's absolute, clean path, so that two spellings of
// one folder get one Mirror.
func mirrorKey(dir string) (string, error) {
	key, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("locating the mirror folder %s: %w", dir, err)
	}
	return key, nil
}

func removeError(dir string, err error) error {
	if err != nil {
		return fmt.Errorf("removing the mirror at %s: %w", dir, err)
	}
	return nil
}
