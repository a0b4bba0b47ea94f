package git

import (
	"context"
	"fmt"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porch-dev/porch/internal/backend"
)

// Published is what Publish wrote.
type Published struct {
	// Revision is the number N of the new tag <path>/v<N>.
	Revision int
	// Commit is the approval commit on the registered branch.
	Commit plumbing.Hash
}

// Publish approves the proposed revision at head, in one atomic push:
//   - a commit on the registered branch, whose parents are the branch head
//     and head, and whose tree is the head's tree with the package folder
//     replaced by the proposed one; its message is upstream's approval
//     message with the annotation of revision N;
//   - the lightweight tag <path>/v<N> at that commit, where N is one more
//     than the highest revision the package was ever given (see
//     nextRevision); it must not exist;
//   - the package's revision mark moved to that commit, from where the
//     mirror holds it;
//   - the deletion of proposed/<path>/<workspace>, which must be at head.
//
// When another writer moved the branch or took the tag first, Publish
// fetches and builds the commit again on the new head with the new N, up
// to branchAttempts times. When the proposed branch is no longer at head,
// it returns ErrConflict at once: the caller's view is out of date.
func (w *Writer) Publish(ctx context.Context, pkg, workspace string, head plumbing.Hash) (Published, error) {
	path, err := w.revisionPath(pkg, workspace)
	if err != nil {
		return Published{}, err
	}
	proposed := proposedRef(path, workspace)
	if err := needHead(proposed, head); err != nil {
		return Published{}, err
	}
	var out Published
	err = w.retrying(ctx, func(tx *writeTx) error {
		if cur, err := tx.ref(proposed); err != nil || cur != head {
			if err == nil {
				err = fmt.Errorf("%w: %s is %s, expected at %s; nothing was written",
					backend.ErrConflict, proposed.Short(), describeHash(cur), head)
			}
			return final{err}
		}
		n, mark, err := tx.nextRevision(path)
		if err != nil {
			return err
		}
		folder, err := tx.folderOf(head, path)
		if err != nil {
			return err
		}
		if folder.IsZero() {
			return fmt.Errorf("%w: the proposed commit %s has no folder %q", backend.ErrInvalidPackage, head, path)
		}
		msg, err := annotate(fmt.Sprintf(approveSubject, path, n),
			annotation{Package: path, WorkspaceName: workspace, Revision: strconv.Itoa(n)})
		if err != nil {
			return err
		}
		commit, err := tx.commitOnBranch(w.branch, path, folder, msg, head)
		if err != nil {
			return err
		}
		tx.update(versionTag(path, n), plumbing.ZeroHash, commit)
		tx.update(revisionMark(path), mark, commit)
		tx.update(proposed, head, plumbing.ZeroHash)
		out = Published{Revision: n, Commit: commit}
		return nil
	})
	if err != nil {
		return Published{}, err
	}
	return out, nil
}

// nextRevision is one more than the highest N of the package's tags
// <path>/v<N> and deletionProposed/<path>/v<N> branches in the mirror and
// of its revision mark, so that a new revision never takes the number of
// one deleted, or half deleted. It also returns where the mark is, for the
// publish to move it from there.
func (tx *writeTx) nextRevision(path string) (int, plumbing.Hash, error) {
	mark, err := tx.ref(revisionMark(path))
	if err != nil {
		return 0, plumbing.ZeroHash, err
	}
	highest, err := tx.markedRevision(path, mark)
	if err != nil {
		return 0, plumbing.ZeroHash, err
	}
	for _, ref := range tx.st.refs {
		if ref.Type() != plumbing.HashReference {
			continue
		}
		lr := parseLayoutRef(ref, "")
		if lr.path != path || (lr.kind != refTag && lr.kind != refDeletionProposed) {
			continue
		}
		if n, ok := parseVersion(lr.last); ok && n > highest {
			highest = n
		}
	}
	return highest + 1, mark, nil
}

// markedRevision is the revision number the approval commit at mark gave
// path; 0 with no mark, or one at a commit that says no number for the
// package (a ref written by hand), which then counts for nothing.
func (tx *writeTx) markedRevision(path string, mark plumbing.Hash) (int, error) {
	if mark.IsZero() {
		return 0, nil
	}
	c, err := tx.commitOf(mark)
	if err != nil {
		return 0, err
	}
	highest := 0
	for _, a := range parseAnnotations(c.Message) {
		if n, err := strconv.Atoi(a.Revision); err == nil && a.Package == path && n > highest {
			highest = n
		}
	}
	return highest, nil
}

// folderOf is the tree of the folder at path in a commit; zero when the
// commit has no such folder.
func (tx *writeTx) folderOf(commit plumbing.Hash, path string) (plumbing.Hash, error) {
	c, err := tx.commitOf(commit)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	root, err := tx.o.tree(c.TreeHash)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	folder, err := tx.o.subtree(root, path)
	if err != nil || folder == nil {
		return plumbing.ZeroHash, err
	}
	return folder.Hash, nil
}

// commitOnBranch commits the branch's head tree with the folder at path
// replaced by folder (removed when zero), on top of the head and any extra
// parents, and adds the branch's update from the head the mirror holds.
// A missing branch is created, from an empty tree.
func (tx *writeTx) commitOnBranch(branch plumbing.ReferenceName, path string, folder plumbing.Hash,
	msg string, extraParents ...plumbing.Hash) (plumbing.Hash, error) {
	head, err := tx.ref(branch)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var base plumbing.Hash
	var parents []plumbing.Hash
	if !head.IsZero() {
		c, err := tx.commitOf(head)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		base, parents = c.TreeHash, []plumbing.Hash{head}
	}
	tree, err := replaceFolder(tx.objs, base, path, folder)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	commit, err := tx.commit(tree, msg, append(parents, extraParents...)...)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	tx.update(branch, head, commit)
	return commit, nil
}
