package oci

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-logr/logr"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/porch-dev/porch/internal/backend"
)

// Delete removes tag of package pkg if it points at digest expect (any
// digest when expect is the zero Hash); elsewhere is backend.ErrConflict,
// absent is backend.ErrRefNotFound. Writes are serialised and raced as in
// Write.
//
// Registries delete manifests, which tags point at, and differ in what a
// DELETE may name:
//   - By tag (OCI distribution 1.1: removes that tag only): pkg/registry,
//     GitLab's registry (since 16.4). Delete asks this first.
//   - By digest only: CNCF Distribution answers UNSUPPORTED to a tag
//     (distribution#3174) and, with storage delete enabled, removes the
//     manifest and every tag on it; Azure ACR likewise (fluxcd/pkg#328).
//     Delete then deletes by digest, but only if no other tag of the
//     package points at the same manifest, since those would go too.
//   - Not at all over the registry API: Docker Hub and GHCR answer 405
//     (their own APIs delete). ECR answered 404 in 2021; AWS lists the
//     registry-API delete as shipped since (containers-roadmap#1229), with
//     semantics not checked here. GCR/Artifact Registry refuse a digest
//     that tags still name (fluxcd/pkg#328). Uncertain: Harbor and Quay.
//
// A published revision's number is kept in the index (RaiseRevisionMark)
// before its tag goes, so that it is never given again; the deletion
// waits for that. Afterwards Delete checks that the tag is gone:
// pkg/registry, asked by digest, removes the digest and leaves its tags.
// The package's last tag removes it from the index image's list; failing
// that is logged, not returned, since an index entry without tags only
// costs an empty listing.
func (s *Store) Delete(ctx context.Context, pkg, tag string, expect v1.Hash) error {
	ref, unlock, err := s.lockTag(ctx, pkg, tag)
	if err != nil {
		return err
	}
	defer unlock()
	return s.deleteTag(ctx, pkg, ref, expect)
}

// deleteTag is Delete of ref, a tag of package pkg, under its lock.
func (s *Store) deleteTag(ctx context.Context, pkg string, ref name.Tag, expect v1.Hash) error {
	md, err := s.manifest(ctx, ref)
	if errors.Is(err, backend.ErrInvalidPackage) {
		// Not a package's manifest: it gave no number; deleted by digest.
		md = Metadata{}
		if md.Digest, err = s.head(ctx, ref); err == nil && md.Digest == (v1.Hash{}) {
			err = backend.ErrRefNotFound
		}
	}
	switch {
	case errors.Is(err, backend.ErrRefNotFound):
		return fmt.Errorf("%w: image %s not found; nothing was deleted", backend.ErrRefNotFound, ref)
	case err != nil:
		return err
	case expect != (v1.Hash{}) && md.Digest != expect:
		return fmt.Errorf("%w: image %s is %s, expected %s; nothing was deleted", backend.ErrConflict, ref, md.Digest, expect)
	}
	current := md.Digest
	if md.Revision > 0 {
		if err := s.RaiseRevisionMark(ctx, pkg, md.Revision); err != nil {
			return fmt.Errorf("keeping revision %d of package %s before deleting its tag: %w; nothing was deleted", md.Revision, pkg, err)
		}
	}

	err = remote.Delete(ref, s.options(ctx)...)
	if tagDeletionRefused(err) {
		err = s.deleteByDigest(ctx, ref, current)
	} else if err != nil {
		err = s.fail("image "+ref.String(), err)
	}
	if err != nil {
		return err
	}

	switch after, err := s.head(ctx, ref); {
	case err != nil:
		return err
	case after == current:
		return fmt.Errorf("image %s: the registry accepted the deletion of %s, yet the tag still points at it", ref, current)
	case after != (v1.Hash{}):
		return fmt.Errorf("%w: image %s was deleted and is now %s: another writer recreated it", backend.ErrConflict, ref, after)
	}

	if tags, err := s.allTags(ctx, pkg); errors.Is(err, backend.ErrRefNotFound) || (err == nil && len(tags) == 0) {
		if err := s.RemoveFromIndex(ctx, pkg); err != nil {
			logr.FromContextOrDiscard(ctx).Error(err, "Removing a package without revisions from the index failed; it stays listed", "package", pkg)
		}
	}
	return nil
}

// tagDeletionRefused says whether a registry refused to delete by tag: 405,
// or 400 with UNSUPPORTED (or DIGEST_INVALID, which older Distribution
// answered to a tag).
func tagDeletionRefused(err error) bool {
	var terr *transport.Error
	if !errors.As(err, &terr) {
		return false
	}
	if terr.StatusCode == http.StatusMethodNotAllowed {
		return true
	}
	for _, d := range terr.Errors {
		if d.Code == transport.UnsupportedErrorCode || d.Code == transport.DigestInvalidErrorCode {
			return true
		}
	}
	return false
}

// deleteByDigest deletes the manifest tag points at, unless another tag of
// its repository (any tag, "latest" too) points at it as well.
func (s *Store) deleteByDigest(ctx context.Context, ref name.Tag, digest v1.Hash) error {
	repo := ref.Context()
	names, err := remote.List(repo, s.options(ctx)...)
	if err != nil {
		return s.fail("repository "+repo.String(), err)
	}
	var sharing []string
	for _, other := range names {
		if other == ref.TagStr() {
			continue
		}
		h, err := s.head(ctx, repo.Tag(other))
		if err != nil {
			return err
		}
		if h == digest {
			sharing = append(sharing, other)
		}
	}
	if len(sharing) > 0 {
		return fmt.Errorf("image %s: the registry deletes only by digest, and %s also points at %s (tags %s); nothing was deleted",
			ref, repo, digest, strings.Join(sharing, ", "))
	}
	err = remote.Delete(repo.Digest(digest.String()), s.options(ctx)...)
	if tagDeletionRefused(err) {
		return fmt.Errorf("image %s: the registry refuses deletion over the registry API, by tag and by digest; delete it with the registry's own tools", ref)
	}
	if err != nil {
		return s.fail("image "+repo.String()+"@"+digest.String(), err)
	}
	return nil
}
