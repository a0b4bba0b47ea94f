package packagerevision

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/reconcile"
	"github.com/porch-dev/porch/internal/git"
)

// source is a published revision a task reads: its files and where they
// live in git.
type source struct {
	pr    *porchv1alpha1.PackageRevision
	files cad.Package
	lock  cad.GitLock
}

// publishedSource reads the published revision name, which field of the
// task names, with its content.
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
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := r.APIReader.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, prr); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, r.waiting(fmt.Sprintf("%s: the resources of PackageRevision %q are not mirrored yet", field, name))
		}
		return nil, err
	}
	if prr.Status.Resources == nil {
		return nil, taskFailed("%s: PackageRevision %q has no content here (too large to mirror?)", field, name)
	}
	repo := &configv1alpha1.Repository{}
	if err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: pr.Spec.RepositoryName}, repo); err != nil {
		return nil, fmt.Errorf("%s: the Repository of PackageRevision %q: %w", field, name, err)
	}
	return &source{pr: pr, files: cad.Package(prr.Status.Resources), lock: upstreamLock(repo, pr, prr.Status.Commit)}, nil
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
	return &reconcile.Stalling{Reason: porchv1alpha1.ReasonTaskFailed, Message: fmt.Sprintf(format, args...)}
}
