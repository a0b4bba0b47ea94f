package git

import (
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// A Mirror's ref guard orders two kinds of work on what mirrors its refs.
// The sync creates an object for a revision it read from a fetch made a
// moment before; the authoring controller deletes a revision by deleting
// its ref and then letting its object go. Unordered, a create from refs
// fetched before the deletion, made after the object went, would bring
// back a revision git no longer holds. So a deletion holds the guard
// alone (HoldForRemoval) from its push until its object is gone, and each
// create holds it shared (HoldRef), after checking that the ref is still
// as fetched, until its object exists: either the create sees the ref
// gone, or the deletion finds the object it creates.

// HoldRef holds the ref guard shared and says whether the ref a revision
// was read from, as Discover names it (PackageRevision.Ref, a branch or a
// tag), is still in the mirror, which this process's pushes keep current:
// a revision's own branch (drafts/, proposed/, deletionProposed/) at
// commit; a tag, or the registered branch, whose head moves with every
// publish and is not the commit of the placeholder read from it, at all.
// Call release once the object made from it exists, or was not made; it
// is set whether or not the ref holds.
func (m *Mirror) HoldRef(ref, commit string) (holds bool, release func(), err error) {
	m.refGuard.RLock()
	release = m.refGuard.RUnlock
	if err := m.lock(); err != nil {
		return false, release, err
	}
	defer m.mu.Unlock()
	st, err := m.storage()
	if err != nil {
		return false, release, err
	}
	defer st.Close()
	if h := st.refs.hash(plumbing.NewBranchReferenceName(ref)); !h.IsZero() {
		return h.String() == commit || !revisionBranch(ref), release, nil
	}
	return !st.refs.hash(plumbing.NewTagReferenceName(ref)).IsZero(), release, nil
}

// HoldForRemoval holds the ref guard alone, for a deletion of a revision's
// refs and then of its object; call release once the object is gone or
// its deletion failed.
func (m *Mirror) HoldForRemoval() (release func()) {
	m.refGuard.Lock()
	return m.refGuard.Unlock
}

// revisionBranch says whether a branch, by its short name, is one
// revision's own: a draft's, a proposal's, or a deletion proposal's.
func revisionBranch(short string) bool {
	for _, prefix := range []string{draftsPrefix, proposedPrefix, deletionProposedPrefix} {
		if strings.HasPrefix(short, prefix) {
			return true
		}
	}
	return false
}
