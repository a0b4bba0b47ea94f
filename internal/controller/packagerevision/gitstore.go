package packagerevision

import (
	"context"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/git"
)

// gitStore is the revisionStore of a git repository: its mirror, shared
// with the sync, and a writer that pushes to the remote.
type gitStore struct {
	mirror *git.Mirror
	writer *git.Writer
}

func (g gitStore) State(_ context.Context, pkg, ws string) (backend.RevisionState, error) {
	st, err := g.writer.State(pkg, ws)
	if err != nil {
		return backend.RevisionState{}, err
	}
	return backend.RevisionState{Draft: head(st.Draft), Proposed: head(st.Proposed), Revision: st.Revision, Published: head(st.Published),
		DeletionProposed: st.DeletionProposed, Branch: head(st.Branch), OnBranch: st.OnBranch}, nil
}

func (g gitStore) CreateDraft(ctx context.Context, d newDraft) (string, error) {
	h, err := g.writer.CreateDraft(ctx, git.DraftSpec{Package: d.Package, Workspace: d.Workspace, Files: d.Files, Task: d.Task, Base: commit(d.Base)})
	return head(h), err
}

func (g gitStore) UpdateDraft(ctx context.Context, u draftUpdate) (string, error) {
	h, _, err := g.writer.UpdateDraft(ctx, git.DraftUpdate{Package: u.Package, Workspace: u.Workspace, Lifecycle: u.Lifecycle,
		Head: commit(u.Head), Files: u.Files, Subject: git.PatchSubject})
	return head(h), err
}

func (g gitStore) Propose(ctx context.Context, pkg, ws, h string) error {
	return g.writer.Propose(ctx, pkg, ws, commit(h))
}

func (g gitStore) Unpropose(ctx context.Context, pkg, ws, h string) error {
	return g.writer.Unpropose(ctx, pkg, ws, commit(h))
}

func (g gitStore) Publish(ctx context.Context, pkg, ws, h string) error {
	_, err := g.writer.Publish(ctx, pkg, ws, commit(h))
	return err
}

func (g gitStore) ProposeDeletion(ctx context.Context, pkg string, revision int) error {
	return g.writer.ProposeDeletion(ctx, pkg, revision)
}

func (g gitStore) CancelDeletion(ctx context.Context, pkg string, revision int) error {
	_, err := g.writer.CancelDeletion(ctx, pkg, revision)
	return err
}

func (g gitStore) DeleteUnpublished(ctx context.Context, pkg, ws string, lifecycle porchv1alpha1.PackageRevisionLifecycle, h string) error {
	return g.writer.DeleteUnpublished(ctx, pkg, ws, lifecycle, commit(h))
}

func (g gitStore) DeletePublished(ctx context.Context, pkg string, revision int) error {
	_, err := g.writer.DeletePublished(ctx, pkg, revision)
	return err
}

func (g gitStore) DeletePackage(ctx context.Context, pkg string) error {
	_, _, err := g.writer.DeletePackage(ctx, pkg)
	return err
}

func (g gitStore) Refresh(ctx context.Context) error { return g.mirror.Fetch(ctx) }

func (g gitStore) HoldForRemoval() func() { return g.mirror.HoldForRemoval() }

// head is a commit as a revisionStore names it; empty for none.
func head(h plumbing.Hash) string {
	if h.IsZero() {
		return ""
	}
	return h.String()
}

// commit is the commit a head names; zero for none.
func commit(h string) plumbing.Hash {
	if h == "" {
		return plumbing.ZeroHash
	}
	return plumbing.NewHash(h)
}
