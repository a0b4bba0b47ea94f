package rpkg

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// upstreamName is the name of the revision the revision name was cloned
// from or last upgraded to. The task that made it (or made the revision
// its edits started from) says so when it names a PackageRevision; a
// clone from a git address or an image names none, and its upstreamLock,
// as its Kptfile has it, is looked for among the revisions of the
// registered repositories instead.
func upstreamName(s *porchctl.Session, name string) (string, error) {
	revisions, err := allRevisions(s)
	if err != nil {
		return "", err
	}
	pr := revisions.named(name)
	if pr == nil {
		return "", fmt.Errorf("could not find package revision %s", name)
	}
	if up := revisions.upstreamOf(pr); up != "" {
		return up, nil
	}
	lock := pr.Status.UpstreamLock
	if lock == nil || lock.Git == nil && lock.Oci == nil {
		return "", fmt.Errorf("%s has no upstream: it was not cloned or upgraded from another package", name)
	}
	repos := &configv1alpha1.RepositoryList{}
	if err := s.Client.List(s.Ctx, repos, client.InNamespace(s.Namespace)); err != nil {
		return "", err
	}
	if up := revisions.locked(lock, repos.Items); up != nil {
		return up.Name, nil
	}
	return "", fmt.Errorf("the upstream of %s, %s, is no package revision of a registered repository", name, lockAddress(lock))
}

// locked is the revision an upstreamLock names, in the repositories
// registered; nil when none holds it.
func (rs revisionSet) locked(lock *porchv1alpha1.Locator, repos []configv1alpha1.Repository) *porchv1alpha1.PackageRevision {
	for _, repo := range repos {
		var match func(*porchv1alpha1.PackageRevision) bool
		switch {
		case lock.Git != nil && repo.Spec.Git != nil && withGitSuffix(repo.Spec.Git.Repo) == withGitSuffix(lock.Git.Repo):
			match = gitRefMatcher(lock.Git, repo.Branch(), strings.Trim(repo.Spec.Git.Directory, "/"))
		case lock.Oci != nil && repo.Spec.Oci != nil:
			match = imageMatcher(lock.Oci, repo.Spec.Oci.Registry)
		}
		for i := range rs {
			if pr := &rs[i]; match != nil && pr.Spec.RepositoryName == repo.Name && match(pr) {
				return pr
			}
		}
	}
	return nil
}

// gitRefMatcher matches the revision a git ref of the repository's layout
// holds: the tag <path>/v<N> of published revision N, the branch
// drafts/<path>/<workspace> or proposed/<path>/<workspace> of an
// unpublished one, or the repository's branch itself, which the revision
// numbered -1 mirrors. The path includes the repository's directory dir.
func gitRefMatcher(lock *porchv1alpha1.GitLock, branch, dir string) func(*porchv1alpha1.PackageRevision) bool {
	pkgOf := func(path string) string {
		path = strings.Trim(path, "/")
		if dir == "" {
			return path
		}
		return strings.TrimPrefix(path, dir+"/")
	}
	if lock.Ref == branch {
		return func(pr *porchv1alpha1.PackageRevision) bool {
			return pr.Spec.PackageName == pkgOf(lock.Directory) && pr.Spec.Revision == -1
		}
	}
	slash := strings.LastIndex(lock.Ref, "/")
	if slash < 0 {
		return nil
	}
	path, last := lock.Ref[:slash], lock.Ref[slash+1:]
	for _, prefix := range []string{"drafts/", "proposed/"} {
		if rest, ok := strings.CutPrefix(path, prefix); ok {
			return func(pr *porchv1alpha1.PackageRevision) bool {
				return pr.Spec.PackageName == pkgOf(rest) && pr.Spec.WorkspaceName == last && !pr.Spec.Lifecycle.IsPublished()
			}
		}
	}
	n, err := strconv.Atoi(strings.TrimPrefix(last, "v"))
	if err != nil || n < 1 {
		return nil
	}
	return func(pr *porchv1alpha1.PackageRevision) bool {
		return pr.Spec.PackageName == pkgOf(path) && pr.Spec.Revision == n && pr.Spec.Lifecycle.IsPublished()
	}
}

// imageMatcher matches the revision an image of an OCI repository holds:
// the package is the image's path under the registry, the workspace its tag.
func imageMatcher(lock *porchv1alpha1.OciLock, registry string) func(*porchv1alpha1.PackageRevision) bool {
	image, tag := lock.RepositoryAndTag()
	pkg, ok := strings.CutPrefix(image, strings.TrimSuffix(registry, "/")+"/")
	if !ok || tag == "" {
		return nil
	}
	return func(pr *porchv1alpha1.PackageRevision) bool {
		return pr.Spec.PackageName == pkg && pr.Spec.WorkspaceName == tag
	}
}

// lockAddress is an upstreamLock as clone takes an address:
// REPO.git/DIRECTORY@REF, or the image.
func lockAddress(lock *porchv1alpha1.Locator) string {
	if lock.Oci != nil {
		return lock.Oci.Image
	}
	return lock.Git.Repo + "/" + strings.TrimPrefix(lock.Git.Directory, "/") + "@" + lock.Git.Ref
}
