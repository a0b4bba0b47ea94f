package variant

import (
	"fmt"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Upstream is the published revision up names among the revisions of its
// package: the one of its revision number, or of its workspace, or else
// the latest. The branch placeholder (revision -1) is never an upstream,
// nor a revision being deleted. Nil when none matches.
func Upstream(revisions []*porchv1alpha1.PackageRevision, up *configv1alpha1.Upstream) *porchv1alpha1.PackageRevision {
	var found *porchv1alpha1.PackageRevision
	for _, pr := range revisions {
		if !pr.Spec.Lifecycle.IsPublished() || pr.Spec.Revision < 1 || !pr.DeletionTimestamp.IsZero() ||
			pr.Spec.RepositoryName != up.Repo || pr.Spec.PackageName != up.Package {
			continue
		}
		switch {
		case up.Revision > 0 && pr.Spec.Revision != up.Revision:
		case up.WorkspaceName != "" && pr.Spec.WorkspaceName != up.WorkspaceName:
		case found == nil || pr.Spec.Revision > found.Spec.Revision:
			found = pr
		}
	}
	return found
}

// UpstreamNotFound says, for a condition, that no revision matches up.
func UpstreamNotFound(up *configv1alpha1.Upstream) string {
	which := ""
	switch {
	case up.Revision > 0:
		which = fmt.Sprintf("%d ", up.Revision)
	case up.WorkspaceName != "":
		which = fmt.Sprintf("with workspace %q ", up.WorkspaceName)
	}
	return fmt.Sprintf("spec.upstream: no published revision %sof package %q in repository %q", which, up.Package, up.Repo)
}
