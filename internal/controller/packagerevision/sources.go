package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/credentials"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/git"
)

// source is a published revision a task reads: its files and where they
// live, as a clone's Kptfile records its upstream.
type source struct {
	pr     *porchv1alpha1.PackageRevision
	files  cad.Package
	origin cad.Origin
	// commit is the commit of the revision's tag in a git repository; ""
	// in an OCI repository.
	commit string
}

// publishedSource reads the published revision name, which field of the
// task names, with its content as its repository holds it: the package
// folder at the commit of the revision's tag, read from the repository's
// mirror. Its PackageRevisionResources are not read: their status is a
// cache of the same content that someone with the right to write status
// could change, and what a task builds on is committed to git in turn.
func (r *Reconciler) publishedSource(ctx context.Context, namespace, name, field string) (*source, error) {
	pr := &porchv1alpha1.PackageRevision{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, pr); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, taskFailed("%s: PackageRevision %q not found", field, name)
		}
		return nil, err
	}
	if !pr.Spec.Lifecycle.IsPublished() || pr.Spec.Revision < 1 {
		return nil, taskFailed("%s: PackageRevision %q is %s; only a published revision can be used", field, name, pr.Spec.Lifecycle)
	}
	repo := &configv1alpha1.Repository{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: pr.Spec.RepositoryName}, repo); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, r.waiting(fmt.Sprintf("%s: the Repository %q of PackageRevision %q is not found", field, pr.Spec.RepositoryName, name))
		}
		return nil, fmt.Errorf("%s: the Repository of PackageRevision %q: %w", field, name, err)
	}
	if repo.Spec.Type == configv1alpha1.RepositoryTypeOCI && repo.Spec.Oci != nil {
		return r.imageSource(ctx, repo, pr, field)
	}
	if repo.Spec.Type != configv1alpha1.RepositoryTypeGit || repo.Spec.Git == nil {
		return nil, taskFailed("%s: PackageRevision %q is in Repository %q of type %s, with no spec.%s", field, name, repo.Name, repo.Spec.Type, repo.Spec.Type)
	}
	pkg, err := r.readPublished(ctx, repo, pr, field)
	if err != nil {
		return nil, err
	}
	return &source{pr: pr, files: cad.Package(pkg.Files), origin: upstreamLock(repo, pr, pkg.Commit), commit: pkg.Commit}, nil
}

// readPublished reads a published revision's package from the mirror of
// its repository (shared with the sync), under the content limit. A mirror
// that lacks the revision's tag is fetched once: the revision may have been
// published since, by another process or outside the product.
func (r *Reconciler) readPublished(ctx context.Context, repo *configv1alpha1.Repository, pr *porchv1alpha1.PackageRevision, field string) (*git.PublishedPackage, error) {
	if err := r.checkRemote(ctx, repo.Spec.Git.Repo, field+": spec.git.repo of Repository "+repo.Name, porchv1alpha1.ReasonTaskFailed); err != nil {
		return nil, err
	}
	creds, err := credentials.ReadGit(ctx, r.APIReader, repo.Namespace, repo.Spec.Git.SecretRef.Name, "spec.git.secretRef of Repository "+repo.Name)
	if err != nil {
		return nil, r.remoteError(err)
	}
	mirror, err := r.Mirrors.Open(git.MirrorDir(r.Options.CacheDir, string(repo.UID)), git.Endpoint{URL: repo.Spec.Git.Repo, Credentials: creds})
	if err != nil {
		return nil, err
	}
	if err := mirror.FetchOnce(ctx); err != nil {
		return nil, r.remoteError(err)
	}
	read := func() (*git.PublishedPackage, error) {
		return mirror.ReadPublished(repo.Spec.Git.Directory, pr.Spec.PackageName, pr.Spec.Revision, r.Options.MaxPackageBytes)
	}
	pkg, err := read()
	if errors.Is(err, backend.ErrRefNotFound) {
		if err := mirror.Fetch(ctx); err != nil {
			return nil, r.remoteError(err)
		}
		pkg, err = read()
	}
	switch {
	case err == nil:
		return pkg, nil
	case errors.Is(err, backend.ErrRefNotFound):
		return nil, r.waiting(fmt.Sprintf("%s: PackageRevision %q is not in its repository: %v", field, pr.Name, err))
	case errors.Is(err, backend.ErrPackageNotFound), errors.Is(err, backend.ErrInvalidPackage):
		return nil, taskFailed("%s: PackageRevision %q: %v", field, pr.Name, err)
	default:
		return nil, r.remoteError(err)
	}
}

// imageSource reads a published revision of an OCI repository from the
// image of its tag, under the content limit.
func (r *Reconciler) imageSource(ctx context.Context, repo *configv1alpha1.Repository, pr *porchv1alpha1.PackageRevision, field string) (*source, error) {
	images, err := r.registry(ctx, repo)
	if err != nil {
		return nil, err
	}
	p, digest, err := images.Read(ctx, pr.Spec.PackageName, pr.Spec.WorkspaceName)
	switch {
	case errors.Is(err, backend.ErrRefNotFound):
		return nil, r.waiting(fmt.Sprintf("%s: PackageRevision %q is not in its repository: %v", field, pr.Name, err))
	case errors.Is(err, backend.ErrInvalidPackage), errors.Is(err, backend.ErrSourceTooLarge):
		return nil, taskFailed("%s: PackageRevision %q: %v", field, pr.Name, err)
	case err != nil:
		return nil, r.remoteError(err)
	}
	if p.Revision != pr.Spec.Revision {
		return nil, r.waiting(fmt.Sprintf("%s: PackageRevision %q is revision %d, but its image says %d; waiting for the sync", field, pr.Name, pr.Spec.Revision, p.Revision))
	}
	image := images.Registry() + "/" + pr.Spec.PackageName + ":" + pr.Spec.WorkspaceName
	return &source{pr: pr, files: cad.Package(p.Files), origin: cad.ImageLock{Image: image, Digest: image + "@" + digest.String()}}, nil
}

// upstreamLock is where a published revision lives in git, as a clone
// records it: its tag and the commit the tag points at.
func upstreamLock(repo *configv1alpha1.Repository, pr *porchv1alpha1.PackageRevision, commit string) cad.GitLock {
	dir := ""
	url := ""
	if repo.Spec.Git != nil {
		// The lock is committed: it never carries credentials.
		dir, url = strings.Trim(repo.Spec.Git.Directory, "/"), git.SafeURL(repo.Spec.Git.Repo)
	}
	pkgPath := path.Join(dir, pr.Spec.PackageName)
	return cad.GitLock{Repo: url, Directory: "/" + pkgPath, Ref: pkgPath + "/v" + strconv.Itoa(pr.Spec.Revision), Commit: commit}
}

// taskFailed is a task that cannot succeed until its spec changes.
func taskFailed(format string, args ...any) error {
	return &outcome.Stalling{Reason: porchv1alpha1.ReasonTaskFailed, Message: fmt.Sprintf(format, args...)}
}
