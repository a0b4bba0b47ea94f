package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/oci"
)

// registryStore is the revisionStore of an OCI repository: a revision is
// the tag of its workspace, its lifecycle and number are annotations of the
// image's manifest (see package oci), and each change of them writes a new
// image with the same files, conditional on the digest the tag was read at.
type registryStore struct {
	images *oci.Store
	now    func() time.Time
}

func (g registryStore) State(ctx context.Context, pkg, ws string) (backend.RevisionState, error) {
	if ws == oci.LatestTag {
		// The placeholder: the package's latest tag, as a git placeholder
		// is its folder on the registered branch.
		digest, err := g.images.LatestHead(ctx, pkg)
		if err != nil {
			return backend.RevisionState{}, err
		}
		if digest == (v1.Hash{}) {
			return backend.RevisionState{}, nil
		}
		return backend.RevisionState{Branch: digest.String(), OnBranch: true}, nil
	}
	md, err := g.images.Manifest(ctx, pkg, ws)
	if errors.Is(err, backend.ErrRefNotFound) {
		return backend.RevisionState{}, nil
	}
	if err != nil {
		return backend.RevisionState{}, err
	}
	head := md.Digest.String()
	switch md.Lifecycle {
	case porchv1alpha1.PackageRevisionLifecycleProposed:
		return backend.RevisionState{Proposed: head}, nil
	case porchv1alpha1.PackageRevisionLifecyclePublished, porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		return backend.RevisionState{Revision: md.Revision, Published: head,
			DeletionProposed: md.Lifecycle == porchv1alpha1.PackageRevisionLifecycleDeletionProposed}, nil
	default:
		return backend.RevisionState{Draft: head}, nil
	}
}

func (g registryStore) CreateDraft(ctx context.Context, d newDraft) (string, error) {
	return g.write(ctx, d.Package, d.Workspace, "", oci.Package{Files: d.Files, Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
		Tasks: []porchv1alpha1.Task{d.Task}, Created: g.now(), Source: g.images.Registry()})
}

func (g registryStore) UpdateDraft(ctx context.Context, u draftUpdate) (string, error) {
	p, err := g.read(ctx, u.Package, u.Workspace, u.Head)
	if err != nil {
		return "", err
	}
	p.Files, p.Created = u.Files, g.now()
	return g.write(ctx, u.Package, u.Workspace, u.Head, p)
}

func (g registryStore) Propose(ctx context.Context, pkg, ws, head string) error {
	return g.relabel(ctx, pkg, ws, head, porchv1alpha1.PackageRevisionLifecycleProposed, 0)
}

func (g registryStore) Unpropose(ctx context.Context, pkg, ws, head string) error {
	return g.relabel(ctx, pkg, ws, head, porchv1alpha1.PackageRevisionLifecycleDraft, 0)
}

// Publish gives the revision one more than the highest number the package
// gave, deleted tags' included, chosen and written under the package's
// write lock (see
// oci.Store.WritePublished): two approvals in this process never take the
// same number; a second process publishing the same package at the same
// moment could, which one manager (its leader) rules out.
func (g registryStore) Publish(ctx context.Context, pkg, ws, head string) error {
	p, err := g.read(ctx, pkg, ws, head)
	if err != nil {
		return err
	}
	expect, err := digestOf(head)
	if err != nil {
		return err
	}
	_, _, err = g.images.WritePublished(ctx, pkg, ws, expect, func(n int) (v1.Image, error) {
		p.Lifecycle, p.Revision = porchv1alpha1.PackageRevisionLifecyclePublished, n
		return oci.BuildImage(p)
	})
	return err
}

func (g registryStore) ProposeDeletion(ctx context.Context, pkg string, revision int) error {
	ws, head, err := g.published(ctx, pkg, revision)
	if err != nil {
		return err
	}
	return g.relabel(ctx, pkg, ws, head, porchv1alpha1.PackageRevisionLifecycleDeletionProposed, revision)
}

func (g registryStore) CancelDeletion(ctx context.Context, pkg string, revision int) error {
	ws, head, err := g.published(ctx, pkg, revision)
	if err != nil {
		return err
	}
	return g.relabel(ctx, pkg, ws, head, porchv1alpha1.PackageRevisionLifecyclePublished, revision)
}

func (g registryStore) DeleteUnpublished(ctx context.Context, pkg, ws string, _ porchv1alpha1.PackageRevisionLifecycle, head string) error {
	return g.delete(ctx, pkg, ws, head)
}

func (g registryStore) DeletePublished(ctx context.Context, pkg string, revision int) error {
	ws, head, err := g.published(ctx, pkg, revision)
	if errors.Is(err, backend.ErrRefNotFound) {
		return nil // gone already
	}
	if err != nil {
		return err
	}
	return g.delete(ctx, pkg, ws, head)
}

// DeletePackage deletes the package's latest tag, which its placeholder
// revision mirrors (see oci's latest.go); its revisions' tags stay, as a
// git package's tags stay when its folder leaves the registered branch.
func (g registryStore) DeletePackage(ctx context.Context, pkg string) error {
	err := g.images.DeleteLatest(ctx, pkg, v1.Hash{})
	if errors.Is(err, backend.ErrRefNotFound) {
		return nil // gone already
	}
	return err
}

// Refresh has nothing to do: every read asks the registry.
func (g registryStore) Refresh(context.Context) error { return nil }

// HoldForRemoval holds nothing: a sync mirrors a tag by the digest it
// listed, and a tag deleted after its listing is gone at the next one.
func (g registryStore) HoldForRemoval() func() { return func() {} }

// relabel writes the revision at head again with another lifecycle and
// number, the same files and tasks.
func (g registryStore) relabel(ctx context.Context, pkg, ws, head string, lifecycle porchv1alpha1.PackageRevisionLifecycle, revision int) error {
	p, err := g.read(ctx, pkg, ws, head)
	if err != nil {
		return err
	}
	p.Lifecycle, p.Revision = lifecycle, revision
	_, err = g.write(ctx, pkg, ws, head, p)
	return err
}

// read reads the revision of tag ws, which must be at head.
func (g registryStore) read(ctx context.Context, pkg, ws, head string) (oci.Package, error) {
	p, digest, err := g.images.Read(ctx, pkg, ws)
	if err != nil {
		return oci.Package{}, err
	}
	if digest.String() != head {
		return oci.Package{}, fmt.Errorf("%w: image %s:%s is %s, expected %s", backend.ErrConflict, pkg, ws, digest, head)
	}
	return p, nil
}

// write writes p as tag ws, conditional on the tag being at head (absent
// when empty), and returns the new head.
func (g registryStore) write(ctx context.Context, pkg, ws, head string, p oci.Package) (string, error) {
	img, err := oci.BuildImage(p)
	if err != nil {
		return "", err
	}
	expect, err := digestOf(head)
	if err != nil {
		return "", err
	}
	digest, err := g.images.Write(ctx, pkg, ws, img, expect)
	if err != nil {
		return "", err
	}
	return digest.String(), nil
}

func (g registryStore) delete(ctx context.Context, pkg, ws, head string) error {
	expect, err := digestOf(head)
	if err != nil {
		return err
	}
	err = g.images.Delete(ctx, pkg, ws, expect)
	if errors.Is(err, backend.ErrRefNotFound) {
		return nil // gone already
	}
	return err
}

// published finds the tag of the published revision number revision.
func (g registryStore) published(ctx context.Context, pkg string, revision int) (ws, head string, err error) {
	revs, err := g.images.Revisions(ctx, pkg)
	if err != nil {
		return "", "", err
	}
	for _, r := range revs {
		if r.Revision == revision {
			return r.Tag, r.Digest.String(), nil
		}
	}
	return "", "", fmt.Errorf("%w: package %s has no revision %d", backend.ErrRefNotFound, pkg, revision)
}

// digestOf is the digest a head names; zero for none.
func digestOf(head string) (v1.Hash, error) {
	if head == "" {
		return v1.Hash{}, nil
	}
	return v1.NewHash(head)
}
