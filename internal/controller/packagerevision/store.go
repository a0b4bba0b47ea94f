package packagerevision

import (
	"context"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

// revisionStore is where the authoring controller reads and writes the
// revisions of one Repository: a git repository through its mirror
// (gitStore), or an OCI registry path (registryStore). Heads are opaque
// (see backend.RevisionState), and every write is conditional on the head
// it names, failing with backend.ErrConflict when another writer moved it.
type revisionStore interface {
	// State reads where workspace ws of package pkg stands.
	State(ctx context.Context, pkg, ws string) (backend.RevisionState, error)
	// CreateDraft writes a new Draft revision, which must not exist, and
	// returns its head.
	CreateDraft(ctx context.Context, d newDraft) (string, error)
	// UpdateDraft writes new content for an unpublished revision at head,
	// and returns the new head.
	UpdateDraft(ctx context.Context, u draftUpdate) (string, error)
	Propose(ctx context.Context, pkg, ws, head string) error
	Unpropose(ctx context.Context, pkg, ws, head string) error
	// Publish publishes the Proposed revision at head with the next
	// revision number.
	Publish(ctx context.Context, pkg, ws, head string) error
	ProposeDeletion(ctx context.Context, pkg string, revision int) error
	CancelDeletion(ctx context.Context, pkg string, revision int) error
	// DeleteUnpublished deletes the revision whose lifecycle form is at head.
	DeleteUnpublished(ctx context.Context, pkg, ws string, lifecycle porchv1alpha1.PackageRevisionLifecycle, head string) error
	DeletePublished(ctx context.Context, pkg string, revision int) error
	// DeletePackage takes the package off a git repository's registered
	// branch, or deletes its latest tag in an OCI repository: its
	// placeholder revision's deletion.
	DeletePackage(ctx context.Context, pkg string) error
	// Refresh reads the repository again, where the store keeps a copy
	// that can lag it (a git mirror).
	Refresh(ctx context.Context) error
	// HoldForRemoval holds the sync from mirroring anything the store is
	// deleting until the release it returns is called (see
	// git.Mirror.HoldRef).
	HoldForRemoval() (release func())
}

// newDraft is a new Draft revision.
type newDraft struct {
	Package, Workspace string
	Files              map[string]string
	Task               porchv1alpha1.Task
	// Base is where a git draft starts from: the head of the revision an
	// edit copies, or empty for the registered branch's.
	Base string
}

// draftUpdate is new content for an unpublished revision at Head, whose
// form Lifecycle is.
type draftUpdate struct {
	Package, Workspace string
	Lifecycle          porchv1alpha1.PackageRevisionLifecycle
	Head               string
	Files              map[string]string
}
