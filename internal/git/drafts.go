package git

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

// DraftSpec is a new draft revision.
type DraftSpec struct {
	// Package is the package path relative to the directory, e.g. "nested/pkg".
	Package   string
	Workspace string
	// Files maps package-relative paths ('/'-separated) to content; they
	// replace the package folder whole and must include the Kptfile.
	Files map[string]string
	// Task is the task that creates the revision, recorded in the commit's
	// annotation, where discovery finds it.
	Task porchv1alpha1.Task
	// Base is the commit the draft starts from: the registered branch's
	// head for a new package, or the commit of the revision an edit
	// copies. Zero starts from an empty tree, with no parent.
	Base plumbing.Hash
}

// CreateDraft commits Base's tree with the package folder replaced by Files
// and creates the draft's branch drafts/<path>/<workspace> at that commit,
// which must not exist yet. It returns the commit.
func (w *Writer) CreateDraft(ctx context.Context, spec DraftSpec) (plumbing.Hash, error) {
	path, err := w.revisionPath(spec.Package, spec.Workspace)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := checkFiles(spec.Files); err != nil {
		return plumbing.ZeroHash, err
	}
	if spec.Task.Type == "" {
		return plumbing.ZeroHash, fmt.Errorf("%w: a new draft needs the task that creates it", backend.ErrInvalidPackage)
	}
	var head plumbing.Hash
	err = w.locked(ctx, func(tx *writeTx) error {
		var baseTree plumbing.Hash
		var parents []plumbing.Hash
		if !spec.Base.IsZero() {
			c, err := tx.commitOf(spec.Base)
			if err != nil {
				return err
			}
			baseTree, parents = c.TreeHash, []plumbing.Hash{c.Hash}
		}
		tree, err := tx.treeWithFiles(baseTree, path, spec.Files)
		if err != nil {
			return err
		}
		msg, err := annotate(taskSubject(spec.Task.Type), annotation{
			Package: path, WorkspaceName: spec.Workspace, Revision: draftRevision, Task: &spec.Task})
		if err != nil {
			return err
		}
		if head, err = tx.commit(tree, msg, parents...); err != nil {
			return err
		}
		tx.update(draftRef(path, spec.Workspace), plumbing.ZeroHash, head)
		return nil
	})
	return head, err
}

// DraftUpdate is new content for a draft or proposed revision.
type DraftUpdate struct {
	Package   string
	Workspace string
	// Lifecycle says which branch holds the revision: Draft (also when
	// empty) or Proposed.
	Lifecycle porchv1alpha1.PackageRevisionLifecycle
	// Head is the branch's commit as last read; the branch moves only if it
	// is still there.
	Head plumbing.Hash
	// Files replace the package folder whole and must include the Kptfile.
	Files map[string]string
	// Subject is the commit's subject, e.g. RenderSubject or PatchSubject;
	// "Intermediate commit" when empty.
	Subject string
}

// UpdateDraft commits Files on top of the revision's branch head and moves
// the branch there. When the files are what the head already holds, it
// writes nothing and returns the head and false.
func (w *Writer) UpdateDraft(ctx context.Context, u DraftUpdate) (plumbing.Hash, bool, error) {
	path, err := w.revisionPath(u.Package, u.Workspace)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	ref, err := workspaceRef(path, u.Workspace, u.Lifecycle)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	if err := checkFiles(u.Files); err != nil {
		return plumbing.ZeroHash, false, err
	}
	if err := needHead(ref, u.Head); err != nil {
		return plumbing.ZeroHash, false, err
	}
	subject := u.Subject
	if subject == "" {
		subject = intermediateSubject
	}
	head, changed := u.Head, false
	err = w.locked(ctx, func(tx *writeTx) error {
		parent, err := tx.commitOf(u.Head)
		if err != nil {
			return err
		}
		tree, err := tx.treeWithFiles(parent.TreeHash, path, u.Files)
		if err != nil || tree == parent.TreeHash {
			return err
		}
		msg, err := annotate(subject, annotation{Package: path, WorkspaceName: u.Workspace, Revision: draftRevision})
		if err != nil {
			return err
		}
		if head, err = tx.commit(tree, msg, u.Head); err != nil {
			return err
		}
		changed = true
		tx.update(ref, u.Head, head)
		return nil
	})
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	return head, changed, nil
}

// Propose moves a draft at head to proposed: it creates
// proposed/<path>/<workspace> at head, which must not exist, and deletes
// drafts/<path>/<workspace>, which must be at head, in one atomic push.
func (w *Writer) Propose(ctx context.Context, pkg, workspace string, head plumbing.Hash) error {
	return w.moveWorkspace(ctx, pkg, workspace, head, draftRef, proposedRef)
}

// Unpropose moves a proposed revision at head back to draft, as a
// rejection does: the reverse of Propose.
func (w *Writer) Unpropose(ctx context.Context, pkg, workspace string, head plumbing.Hash) error {
	return w.moveWorkspace(ctx, pkg, workspace, head, proposedRef, draftRef)
}

func (w *Writer) moveWorkspace(ctx context.Context, pkg, workspace string, head plumbing.Hash,
	from, to func(path, ws string) plumbing.ReferenceName) error {
	path, err := w.revisionPath(pkg, workspace)
	if err != nil {
		return err
	}
	src, dst := from(path, workspace), to(path, workspace)
	if err := needHead(src, head); err != nil {
		return err
	}
	return w.locked(ctx, func(tx *writeTx) error {
		tx.update(dst, plumbing.ZeroHash, head)
		tx.update(src, head, plumbing.ZeroHash)
		return nil
	})
}

// DeleteUnpublished deletes the branch of a draft or proposed revision,
// which must be at head.
func (w *Writer) DeleteUnpublished(ctx context.Context, pkg, workspace string,
	lifecycle porchv1alpha1.PackageRevisionLifecycle, head plumbing.Hash) error {
	path, err := w.revisionPath(pkg, workspace)
	if err != nil {
		return err
	}
	ref, err := workspaceRef(path, workspace, lifecycle)
	if err != nil {
		return err
	}
	if err := needHead(ref, head); err != nil {
		return err
	}
	return w.locked(ctx, func(tx *writeTx) error {
		tx.update(ref, head, plumbing.ZeroHash)
		return nil
	})
}

// revisionPath checks a package path and workspace and returns the
// package's path in the repository.
func (w *Writer) revisionPath(pkg, workspace string) (string, error) {
	path, err := w.repoPath(pkg)
	if err != nil {
		return "", err
	}
	return path, checkWorkspace(workspace)
}

// workspaceRef is the branch that holds an unpublished revision.
func workspaceRef(path, ws string, lifecycle porchv1alpha1.PackageRevisionLifecycle) (plumbing.ReferenceName, error) {
	switch lifecycle {
	case "", porchv1alpha1.PackageRevisionLifecycleDraft:
		return draftRef(path, ws), nil
	case porchv1alpha1.PackageRevisionLifecycleProposed:
		return proposedRef(path, ws), nil
	default:
		return "", fmt.Errorf("%w: a %s revision has no branch of its own to write", backend.ErrInvalidPackage, lifecycle)
	}
}

// needHead refuses a write to an existing branch without the commit the
// caller expects it at.
func needHead(ref plumbing.ReferenceName, head plumbing.Hash) error {
	if head.IsZero() {
		return fmt.Errorf("%w: writing %s needs the commit it is expected at", backend.ErrInvalidPackage, ref.Short())
	}
	return nil
}

// treeWithFiles is base's tree with the folder at path replaced by files.
func (tx *writeTx) treeWithFiles(base plumbing.Hash, path string, files map[string]string) (plumbing.Hash, error) {
	folder, err := writeFolder(tx.objs, files)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return replaceFolder(tx.objs, base, path, folder)
}
