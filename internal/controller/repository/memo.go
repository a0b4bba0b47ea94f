package repository

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/porch-dev/porch/internal/oci"
)

// syncMemo remembers, for each Repository, the mirrored objects a sync
// left as it wanted them: the resourceVersion each had then, and a digest
// of what was wanted of it. At the next sync, an object whose
// resourceVersion and wanted digest are both unchanged needs neither a
// read nor a write: a sync after a change to a few packages of a large
// repository lists the metadata of every object and reads only the few.
//
// The memo is only ever a shortcut to "equal": any write to an object, by
// anyone, changes its resourceVersion, and a different want changes the
// digest, and either sends the object through the full comparison.
//
// The zero syncMemo is empty and ready to use.
type syncMemo struct {
	mu    sync.Mutex
	repos map[types.UID]*repoMemo
}

// of returns the memo of the Repository uid, and whether an earlier sync
// of this process filled it.
func (m *syncMemo) of(uid types.UID) (memo *repoMemo, warm bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	memo, warm = m.repos[uid]
	if !warm {
		if m.repos == nil {
			m.repos = map[types.UID]*repoMemo{}
		}
		memo = &repoMemo{entries: map[memoKey]memoEntry{}}
		m.repos[uid] = memo
	}
	return memo, warm
}

// peek returns the memo of the Repository uid, if an earlier sync of this
// process filled it, without making one.
func (m *syncMemo) peek(uid types.UID) (memo *repoMemo, warm bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	memo, warm = m.repos[uid]
	return memo, warm
}

// drop forgets a Repository, whose objects are going away.
func (m *syncMemo) drop(uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.repos, uid)
}

// memoKey names one mirrored object of a repository.
type memoKey struct{ kind, name string }

type memoEntry struct {
	resourceVersion, want string
	// note is what the sync reports of the object while it stays so,
	// such as what the schema refused of it; empty for most.
	note string
}

// repoMemo is one Repository's memo; the writes of a sync record into it
// concurrently.
type repoMemo struct {
	mu      sync.Mutex
	entries map[memoKey]memoEntry
	// images are what the images of an OCI repository hold, so that a
	// sync pulls only those of the tags that moved.
	images *oci.Cache
}

// imageCache is the memo's cache of an OCI repository's images.
func (m *repoMemo) imageCache() *oci.Cache {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.images == nil {
		m.images = oci.NewCache()
	}
	return m.images
}

// settled says whether the object was left as wanted at resourceVersion,
// with the same want, and what was noted of it then.
func (rm *repoMemo) settled(key memoKey, resourceVersion, want string) (note string, ok bool) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	e, found := rm.entries[key]
	if !found || want == "" || e.resourceVersion != resourceVersion || e.want != want {
		return "", false
	}
	return e.note, true
}

// remember records that obj, as the apiserver last returned it, is as
// wanted, with what the sync noted of it.
func (rm *repoMemo) remember(key memoKey, obj client.Object, want, note string) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	rm.entries[key] = memoEntry{resourceVersion: obj.GetResourceVersion(), want: want, note: note}
}

// differs says whether listed, the resourceVersion of each object of the
// repository now, differs from what the memo holds: an object written
// since it was remembered, one gone, or one the memo does not know.
func (rm *repoMemo) differs(listed map[memoKey]string) bool {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if len(listed) != len(rm.entries) {
		return true
	}
	for key, resourceVersion := range listed {
		if e, ok := rm.entries[key]; !ok || e.resourceVersion != resourceVersion {
			return true
		}
	}
	return false
}

// retain forgets the objects that are not wanted any more: gone from git,
// and deleted by the sync or by someone else.
func (rm *repoMemo) retain(wanted map[memoKey]string) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	for key := range rm.entries {
		if _, ok := wanted[key]; !ok {
			delete(rm.entries, key)
		}
	}
}

func (rm *repoMemo) forget(key memoKey) {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	delete(rm.entries, key)
}

// digest identifies what is wanted of an object: every field of want,
// which mirrorObjects makes the same for the same git content.
func digest(want client.Object) string {
	data, err := json.Marshal(want)
	if err != nil {
		return "" // never settled: see repoMemo.settled
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
