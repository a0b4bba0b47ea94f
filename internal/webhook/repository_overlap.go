package webhook

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
)

// validateNoOverlap refuses a Repository whose packages another Repository of
// its namespace already registers: two Repositories over one branch and
// directory would each publish revisions of the same packages and fight over
// their tags and draft branches. others may include repo itself (an update
// sees its stored copy), which is skipped by name.
func validateNoOverlap(repo *configv1alpha1.Repository, others []configv1alpha1.Repository) field.ErrorList {
	loc, ok := locationOf(repo)
	if !ok {
		return nil
	}
	sorted := append([]configv1alpha1.Repository(nil), others...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })

	var errs field.ErrorList
	for i := range sorted {
		other := &sorted[i]
		if other.Name == repo.Name || other.Namespace != repo.Namespace {
			continue
		}
		if otherLoc, ok := locationOf(other); ok && loc.overlaps(otherLoc) {
			errs = append(errs, overlapError(repo, loc, other, otherLoc))
		}
	}
	return errs
}

// overlapError names the other Repository and what it registers, and says what
// would be accepted. Addresses go through SafeURL: they may embed a password.
func overlapError(repo *configv1alpha1.Repository, loc location, other *configv1alpha1.Repository, otherLoc location) *field.Error {
	spec := field.NewPath("spec")
	if loc.typ == configv1alpha1.RepositoryTypeOCI {
		return field.Invalid(spec.Child("oci", "registry"), safeRegistry(repo.Spec.Oci.Registry), fmt.Sprintf(
			"Repository %q in this namespace already registers the registry %s; two Repositories may not share a registry: pick another registry or path",
			other.Name, safeRegistry(other.Spec.Oci.Registry)))
	}

	address := git.SafeURL(other.Spec.Git.Repo)
	if loc.dir == "" && otherLoc.dir == "" {
		return field.Invalid(spec.Child("git", "repo"), git.SafeURL(repo.Spec.Git.Repo), fmt.Sprintf(
			"Repository %q in this namespace already registers %s branch %s at its root; two Repositories of one branch may not overlap: pick another branch or repository",
			other.Name, address, otherLoc.branch))
	}
	where := fmt.Sprintf("directory %q", otherLoc.dir)
	hint := fmt.Sprintf("pick a directory outside %q", otherLoc.dir)
	switch {
	case otherLoc.dir == "":
		where = "at its root"
		hint = "pick another branch or repository"
	case loc.dir == "" || strings.HasPrefix(otherLoc.dir, loc.dir+"/"):
		// repo would hold the other's directory: moving below it is no cure.
		hint = fmt.Sprintf("pick a directory neither holding nor inside %q", otherLoc.dir)
	}
	return field.Invalid(spec.Child("git", "directory"), repo.Spec.Git.Directory, fmt.Sprintf(
		"Repository %q in this namespace already registers %s branch %s %s; two Repositories of one branch may not overlap: %s",
		other.Name, address, otherLoc.branch, where, hint))
}

// safeRegistry drops any user and password from a registry address, which
// has no scheme for SafeURL to recognise.
func safeRegistry(raw string) string {
	if strings.Contains(raw, "://") {
		return git.SafeURL(raw)
	}
	host, rest, _ := strings.Cut(raw, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	if rest == "" && !strings.HasSuffix(raw, "/") {
		return host
	}
	return host + "/" + rest
}
