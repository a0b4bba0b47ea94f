package git

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// RevisionState is where one revision stands in the mirror: which of the
// refs that hold a revision exist, and at which commits. The authoring
// controller compares it with what a user asked for to decide what to
// write; the writes themselves check these values again at the remote.
type RevisionState struct {
	// Draft and Proposed are the heads of drafts/<path>/<workspace> and
	// proposed/<path>/<workspace>; zero when absent.
	Draft, Proposed plumbing.Hash
	// Revision is the published revision of the workspace, found by the
	// annotations of the package's tags; 0 when it is not published.
	Revision int
	// Published is the commit of the tag <path>/v<Revision>.
	Published plumbing.Hash
	// DeletionProposed says whether deletionProposed/<path>/v<Revision> exists.
	DeletionProposed bool
	// Branch is the registered branch's head; zero when absent.
	Branch plumbing.Hash
	// OnBranch says whether the package has a folder on the registered branch.
	OnBranch bool
}

// Head is the commit of the revision's unpublished branch, Proposed first.
func (s RevisionState) Head() plumbing.Hash {
	if !s.Proposed.IsZero() {
		return s.Proposed
	}
	return s.Draft
}

// State reads where the workspace of package pkg stands in the mirror.
func (w *Writer) State(pkg, workspace string) (RevisionState, error) {
	path, err := w.revisionPath(pkg, workspace)
	if err != nil {
		return RevisionState{}, err
	}
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	st, err := w.m.storage()
	if err != nil {
		return RevisionState{}, err
	}
	defer st.Close()
	// The refs are looked up, not listed: a repository holds thousands.
	refs := st.refs
	var s RevisionState
	s.Draft, s.Proposed, s.Branch = refs.hash(draftRef(path, workspace)), refs.hash(proposedRef(path, workspace)), refs.hash(w.branch)
	o := newObjects(st)
	if !s.Branch.IsZero() {
		commit, err := o.peel(s.Branch)
		if err != nil {
			return s, err
		}
		root, err := o.tree(commit.TreeHash)
		if err != nil {
			return s, err
		}
		folder, err := o.subtree(root, path)
		if err != nil {
			return s, err
		}
		s.OnBranch = folder != nil
	}
	n, tag, err := publishedRevision(o, refs, path, workspace)
	if err != nil {
		return s, err
	}
	s.Revision, s.Published = n, tag
	if n > 0 {
		s.DeletionProposed = !refs.hash(deletionProposedRef(path, n)).IsZero()
	}
	return s, nil
}

// publishedRevision finds the tag <path>/v<N> whose revision was published
// from workspace, by the workspace its commit annotations record: the same
// reading discovery makes of a published revision's workspace.
func publishedRevision(o *objects, refs refTable, path, workspace string) (int, plumbing.Hash, error) {
	prefix := plumbing.NewTagReferenceName(path + "/v").String()
	for name, ref := range refs {
		rest, ok := strings.CutPrefix(name.String(), prefix)
		if !ok || ref.Type() != plumbing.HashReference {
			continue
		}
		h := ref.Hash()
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || strconv.Itoa(n) != rest {
			continue
		}
		commit, err := o.peel(h)
		if err != nil {
			return 0, plumbing.ZeroHash, fmt.Errorf("reading tag %s: %w", name.Short(), err)
		}
		ws, err := o.recoverWorkspace(commit.Hash, path, n)
		if err != nil {
			return 0, plumbing.ZeroHash, err
		}
		if ws == workspace {
			return n, commit.Hash, nil
		}
	}
	return 0, plumbing.ZeroHash, nil
}
