package oci

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
)

// writeLocks serialise, within this process, the conditional writes of one
// image repository (a package, or the index): OCI offers no compare-and-
// swap, so two writers in the manager could otherwise both see the tag
// where they expect it and both push. Writers in other processes are not
// covered; see Write.
var writeLocks = keyedLocks{m: map[string]*keyedLock{}}

type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	held  chan struct{} // a token is in it while the lock is held
	users int           // holders and waiters; the entry goes when none is left
}

// lock takes the lock of key, or gives up when ctx ends, and returns its release.
func (k *keyedLocks) lock(ctx context.Context, key string) (func(), error) {
	k.mu.Lock()
	l := k.m[key]
	if l == nil {
		l = &keyedLock{held: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()

	leave := func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		if l.users--; l.users == 0 {
			delete(k.m, key)
		}
	}
	select {
	case l.held <- struct{}{}:
		return func() { <-l.held; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// lockTag names tag of image repository repo (a package, or the index:
// IndexRepository with LatestTag), and takes the write lock of the image
// repository, whose release it returns.
func (s *Store) lockTag(ctx context.Context, repo, tag string) (name.Tag, func(), error) {
	var ref name.Tag
	var err error
	if repo == IndexRepository {
		ref, err = s.indexRef()
	} else {
		ref, err = s.tag(repo, tag)
	}
	if err != nil {
		return name.Tag{}, nil, err
	}
	unlock, err := s.lockRef(ctx, ref)
	return ref, unlock, err
}

// lockRef takes the write lock of ref's image repository.
func (s *Store) lockRef(ctx context.Context, ref name.Tag) (func(), error) {
	unlock, err := writeLocks.lock(ctx, ref.Context().Name())
	if err != nil {
		return nil, fmt.Errorf("waiting to write image %s: %w", ref, err)
	}
	return unlock, nil
}
