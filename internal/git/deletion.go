package git

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porch-dev/porch/internal/backend"
)

// ProposeDeletion marks published revision n for deletion: it creates
// deletionProposed/<path>/v<n>, which must not exist, at the commit of the
// tag <path>/v<n> as the mirror holds it.
func (w *Writer) ProposeDeletion(ctx context.Context, pkg string, n int) error {
	path, err := w.versionPath(pkg, n)
	if err != nil {
		return err
	}
	return w.locked(ctx, func(tx *writeTx) error {
		tag := versionTag(path, n)
		h, err := tx.ref(tag)
		if err != nil {
			return err
		}
		if h.IsZero() {
			return fmt.Errorf("%w: tag %s is absent; read the repository again", backend.ErrConflict, tag.Short())
		}
		commit, err := tx.o.peel(h)
		if err != nil {
			return err
		}
		tx.update(deletionProposedRef(path, n), plumbing.ZeroHash, commit.Hash)
		return nil
	})
}

// CancelDeletion deletes deletionProposed/<path>/v<n>, expected where the
// mirror holds it, which makes the revision plainly published again. It
// returns false, writing nothing, when the mirror has no such branch.
func (w *Writer) CancelDeletion(ctx context.Context, pkg string, n int) (bool, error) {
	path, err := w.versionPath(pkg, n)
	if err != nil {
		return false, err
	}
	return w.deleteRefs(ctx, deletionProposedRef(path, n))
}

// DeletePublished deletes published revision n: the tag <path>/v<n> and
// the deletionProposed/<path>/v<n> branch, whichever the mirror holds,
// atomically and each expected where the mirror holds it. It returns
// false, writing nothing, when the mirror holds neither. The package's
// folder on the registered branch stays: see DeletePackage.
func (w *Writer) DeletePublished(ctx context.Context, pkg string, n int) (bool, error) {
	path, err := w.versionPath(pkg, n)
	if err != nil {
		return false, err
	}
	return w.deleteRefs(ctx, versionTag(path, n), deletionProposedRef(path, n))
}

// deleteRefs deletes the refs the mirror has of names, each expected at
// the mirror's value; false when it has none.
func (w *Writer) deleteRefs(ctx context.Context, names ...plumbing.ReferenceName) (bool, error) {
	deleted := false
	err := w.locked(ctx, func(tx *writeTx) error {
		for _, name := range names {
			h, err := tx.ref(name)
			if err != nil {
				return err
			}
			if !h.IsZero() {
				tx.update(name, h, plumbing.ZeroHash)
			}
		}
		deleted = len(tx.updates) > 0
		return nil
	})
	return deleted && err == nil, err
}

// DeletePackage commits the removal of the package's folder on the
// registered branch, with upstream's message "Delete <path>", and returns
// the commit. It returns false, writing nothing, when the branch does not
// hold the folder. Like Publish, it is built again on the new head when
// another writer moved the branch first.
func (w *Writer) DeletePackage(ctx context.Context, pkg string) (plumbing.Hash, bool, error) {
	path, err := w.repoPath(pkg)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	var commit plumbing.Hash
	err = w.retrying(ctx, func(tx *writeTx) error {
		commit = plumbing.ZeroHash
		head, err := tx.ref(w.branch)
		if err != nil || head.IsZero() {
			return err
		}
		if folder, err := tx.folderOf(head, path); err != nil || folder.IsZero() {
			return err // an error, or nothing to delete
		}
		commit, err = tx.commitOnBranch(w.branch, path, plumbing.ZeroHash, fmt.Sprintf(deleteSubject, path)+"\n")
		return err
	})
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	return commit, !commit.IsZero(), nil
}

// versionPath checks a package path and revision number and returns the
// package's path in the repository.
func (w *Writer) versionPath(pkg string, n int) (string, error) {
	if n < 1 {
		return "", fmt.Errorf("%w: published revisions are numbered from 1, not %d", backend.ErrInvalidPackage, n)
	}
	return w.repoPath(pkg)
}
