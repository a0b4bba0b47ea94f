package repository

import (
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
)

// mirrored is what the objects of one repository should be after a sync:
// the package revisions, their resources and the packages read from git.
type mirrored struct {
	revisions []*porchv1alpha1.PackageRevision
	// resources[i] holds the files of revisions[i], which contents[i]
	// identifies (git.PackageRevision.ContentID).
	resources []*porchv1alpha1.PackageRevisionResources
	contents  []string
	packages  []*porchv1alpha1.PorchPackage
	// sources maps each revision's name, and so its resources', to the
	// ref it was read from.
	sources map[string]refAt
	// skipped lists what could not be mirrored, and why; sorted.
	skipped []string
}

// refAt is a ref as a fetch found it: its short name, as Discover gives
// it, and the commit it resolved to.
type refAt struct{ ref, commit string }

// digests are the digests of every wanted object, for the memo.
func (m *mirrored) digests() map[memoKey]string {
	out := make(map[memoKey]string, len(m.packages)+2*len(m.revisions))
	for _, obj := range m.packages {
		out[memoKey{packageKind.name, obj.Name}] = digest(obj)
	}
	for _, obj := range m.revisions {
		out[memoKey{revisionKind.name, obj.Name}] = digest(obj)
	}
	for i, obj := range m.resources {
		// The files are identified by their content ID rather than
		// encoded: a sync of a large repository would otherwise encode
		// every package's files to find the few that changed.
		withoutFiles := *obj
		withoutFiles.Status.Resources = nil
		out[memoKey{resourcesKind.name, obj.Name}] = digest(&withoutFiles) + "/" + m.contents[i]
	}
	return out
}

// mirrorObjects turns what discovery read from git into the objects that
// represent it. It is a pure function: the same repository and discovery
// always give the same objects, so a sync can compare them with what exists.
func mirrorObjects(repo *configv1alpha1.Repository, d *git.Discovery) *mirrored {
	m := &mirrored{skipped: append([]string(nil), d.Skipped...), sources: map[string]refAt{}}
	owner := ownerReference(repo)
	latest := latestRevisions(d.Revisions)
	names := map[string]string{}
	packages := map[string]bool{}
	for i := range d.Revisions {
		rev := &d.Revisions[i]
		name := porchv1alpha1.RevisionName(repo.Name, rev.Package, rev.WorkspaceName)
		if problem := nameProblem(name, names, rev); problem != "" {
			m.skipped = append(m.skipped, problem)
			continue
		}
		names[name] = rev.Ref
		m.sources[name] = refAt{ref: rev.Ref, commit: rev.Commit}
		packages[rev.Package] = true
		m.revisions = append(m.revisions, revisionObject(repo, owner, name, rev, latest[rev.Package]))
		m.resources = append(m.resources, resourcesObject(repo, owner, name, rev))
		m.contents = append(m.contents, rev.ContentID)
	}
	for _, pkg := range sortedKeys(packages) {
		m.packages = append(m.packages, packageObject(repo, owner, pkg, latest[pkg]))
	}
	sort.Strings(m.skipped)
	return m
}

// nameProblem says why a revision cannot have the object name it maps to:
// too long, or taken by another revision (package b/c workspace d and
// package b workspace c.d both map to <repo>.b.c.d).
func nameProblem(name string, taken map[string]string, rev *git.PackageRevision) string {
	if len(name) > validation.DNS1123SubdomainMaxLength {
		return fmt.Sprintf("%s: object name %q is longer than %d characters", rev.Ref, name, validation.DNS1123SubdomainMaxLength)
	}
	if other, ok := taken[name]; ok {
		return fmt.Sprintf("%s: object name %q is already used by %s", rev.Ref, name, other)
	}
	return ""
}

// latestRevisions maps each package to its highest published revision
// number. A revision proposed for deletion is still published, and keeps
// the latest label until it is deleted, as upstream shows it.
func latestRevisions(revs []git.PackageRevision) map[string]int {
	latest := map[string]int{}
	for _, rev := range revs {
		if rev.Lifecycle.IsPublished() && rev.Revision > latest[rev.Package] {
			latest[rev.Package] = rev.Revision
		}
	}
	return latest
}

func revisionObject(repo *configv1alpha1.Repository, owner metav1.OwnerReference, name string, rev *git.PackageRevision, latest int) *porchv1alpha1.PackageRevision {
	labels := map[string]string{porchv1alpha1.RepositoryLabel: repo.Name}
	if latest > 0 && rev.Revision == latest && rev.Lifecycle.IsPublished() {
		labels[porchv1alpha1.LatestPackageRevisionKey] = porchv1alpha1.LatestPackageRevisionValue
	}
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: repo.Namespace, Labels: labels, OwnerReferences: []metav1.OwnerReference{owner}},
		Spec: porchv1alpha1.PackageRevisionSpec{
			PackageName:    rev.Package,
			RepositoryName: repo.Name,
			WorkspaceName:  rev.WorkspaceName,
			Revision:       rev.Revision,
			Lifecycle:      rev.Lifecycle,
			ReadinessGates: rev.Gates,
		},
		Status: porchv1alpha1.PackageRevisionStatus{
			UpstreamLock:      rev.UpstreamLock,
			SelfLock:          rev.SelfLock,
			PackageConditions: rev.Conditions,
			Deployment:        repo.Spec.Deployment,
			Conditions:        []metav1.Condition{mirroredCondition(repo, rev)},
		},
	}
	if rev.Task != nil {
		pr.Spec.Tasks = []porchv1alpha1.Task{*rev.Task}
	}
	if rev.Lifecycle.IsPublished() && !rev.CommitTime.IsZero() {
		at := metav1.NewTime(rev.CommitTime.UTC())
		pr.Status.PublishedAt = &at
	}
	return pr
}

// mirroredCondition is the Ready condition of a revision read from the
// repository.
func mirroredCondition(repo *configv1alpha1.Repository, rev *git.PackageRevision) metav1.Condition {
	from := "git ref " + rev.Ref
	if repo.Spec.Type == configv1alpha1.RepositoryTypeOCI && repo.Spec.Oci != nil {
		from = "image " + strings.TrimSuffix(repo.Spec.Oci.Registry, "/") + "/" + rev.Ref
	}
	c := metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonReady,
		Message: "Read from " + from}
	if rev.TooLarge {
		c.Status, c.Reason = metav1.ConditionFalse, porchv1alpha1.ReasonContentTooLarge
		size := "more than the content limit"
		if rev.Size > 0 {
			size = fmt.Sprintf("%d bytes, over the content limit", rev.Size)
		}
		c.Message = fmt.Sprintf("Read from %s, but its files take %s; "+
			"its PackageRevisionResources holds no content: split the package or raise --max-package-bytes", from, size)
	}
	if rev.KptfileError != "" {
		c.Message += "; its Kptfile does not parse: " + rev.KptfileError
	}
	return c
}

func resourcesObject(repo *configv1alpha1.Repository, owner metav1.OwnerReference, name string, rev *git.PackageRevision) *porchv1alpha1.PackageRevisionResources {
	return &porchv1alpha1.PackageRevisionResources{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: repo.Namespace,
			Labels: map[string]string{porchv1alpha1.RepositoryLabel: repo.Name}, OwnerReferences: []metav1.OwnerReference{owner}},
		Spec: porchv1alpha1.PackageRevisionResourcesSpec{
			PackageName:    rev.Package,
			WorkspaceName:  rev.WorkspaceName,
			Revision:       rev.Revision,
			RepositoryName: repo.Name,
		},
		Status: porchv1alpha1.PackageRevisionResourcesStatus{Resources: rev.Files, Commit: rev.Commit},
	}
}

func packageObject(repo *configv1alpha1.Repository, owner metav1.OwnerReference, pkg string, latest int) *porchv1alpha1.PorchPackage {
	return &porchv1alpha1.PorchPackage{
		ObjectMeta: metav1.ObjectMeta{Name: porchv1alpha1.PackageName(repo.Name, pkg), Namespace: repo.Namespace,
			Labels: map[string]string{porchv1alpha1.RepositoryLabel: repo.Name}, OwnerReferences: []metav1.OwnerReference{owner}},
		Spec:   porchv1alpha1.PorchPackageSpec{PackageName: pkg, RepositoryName: repo.Name},
		Status: porchv1alpha1.PorchPackageStatus{LatestRevision: latest},
	}
}

// ownerReference makes the Repository the controller of what is read from it.
func ownerReference(repo *configv1alpha1.Repository) metav1.OwnerReference {
	return repo.ControllerReference()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
