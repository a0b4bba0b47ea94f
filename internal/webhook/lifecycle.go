package webhook

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// The pure rules of a PackageRevision: what a user may write, judged from
// the request alone. The rules that read other objects or ask the apiserver
// are in packagerevision_webhook.go.

type lifecycle = porchv1alpha1.PackageRevisionLifecycle

const (
	draft            = porchv1alpha1.PackageRevisionLifecycleDraft
	proposed         = porchv1alpha1.PackageRevisionLifecycleProposed
	published        = porchv1alpha1.PackageRevisionLifecyclePublished
	deletionProposed = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
)

var (
	lifecyclePath = field.NewPath("spec", "lifecycle")
	revisionPath  = field.NewPath("spec", "revision")
	gatesPath     = field.NewPath("spec", "readinessGates")
	latestPath    = field.NewPath("metadata", "labels").Key(porchv1alpha1.LatestPackageRevisionKey)
	approvedPath  = field.NewPath("metadata", "annotations").Key(porchv1alpha1.ApprovedByAnnotation)
)

// transitions lists where a user may take a revision of each lifecycle,
// itself first. Approval (Proposed to Published) also needs the approval
// permission; nothing published goes back to Draft or Proposed.
var transitions = map[lifecycle][]lifecycle{
	draft:            {draft, proposed},
	proposed:         {proposed, draft, published},
	published:        {published, deletionProposed},
	deletionProposed: {deletionProposed, published},
}

// lifecycleOf is the revision's lifecycle; the schema defaults an empty one to Draft.
func lifecycleOf(pr *porchv1alpha1.PackageRevision) lifecycle {
	if pr.Spec.Lifecycle == "" {
		return draft
	}
	return pr.Spec.Lifecycle
}

// isApproval says whether an update publishes a Proposed revision.
func isApproval(old, pr *porchv1alpha1.PackageRevision) bool {
	return lifecycleOf(old) == proposed && lifecycleOf(pr) == published
}

// waitsForRender says whether an update needs the content rendered and
// committed first: proposing a Draft, or approving a Proposed revision.
func waitsForRender(old, pr *porchv1alpha1.PackageRevision) bool {
	return (lifecycleOf(old) == draft && lifecycleOf(pr) == proposed) || isApproval(old, pr)
}

// validateTransition refuses a change of spec.lifecycle that the table does
// not hold, saying what to do instead and what would be accepted.
func validateTransition(from, to lifecycle) *field.Error {
	allowed := transitions[from]
	if slices.Contains(allowed, to) {
		return nil
	}
	names := make([]string, len(allowed))
	for i, l := range allowed {
		names[i] = string(l)
	}
	return field.Invalid(lifecyclePath, string(to), fmt.Sprintf("cannot change from %s to %s; %s (accepted from %s: %s)",
		from, to, transitionHint(from, to), from, strings.Join(names, ", ")))
}

func transitionHint(from, to lifecycle) string {
	switch {
	case from == draft && to == published:
		return "propose it first (Proposed), then approve"
	case from.IsPublished():
		return "a published revision never goes back to Draft or Proposed; start a new revision from it with an edit task"
	case to == deletionProposed:
		return "only a published revision can be proposed for deletion; delete a Draft or Proposed revision instead"
	default:
		return "this is not a lifecycle transition"
	}
}

// validateNewRevision holds the rules of a user's create that need nothing
// but the object: a Draft named after its repository, package and workspace,
// and none of the system's fields set.
func validateNewRevision(pr *porchv1alpha1.PackageRevision) field.ErrorList {
	var errs field.ErrorList
	if l := lifecycleOf(pr); l != draft {
		errs = append(errs, field.Invalid(lifecyclePath, string(l), "a PackageRevision is created as Draft; propose and approve it to publish"))
	}
	want := porchv1alpha1.RevisionName(pr.Spec.RepositoryName, pr.Spec.PackageName, pr.Spec.WorkspaceName)
	if pr.Name != want {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), pr.Name, fmt.Sprintf(
			"must be %s: the repository, the package path with / as . and the workspace, joined by .", want)))
	}
	return append(errs, validateSystemFields(&porchv1alpha1.PackageRevision{}, pr, "")...)
}

// validateSystemFields refuses a user's change to what only the system
// writes: spec.revision (set at publication), the latest-revision label
// (kept on the highest published revision) and the approved-by annotation,
// which only the mutating webhook sets, to approver, on an approval. A
// create is a change from the empty object.
func validateSystemFields(old, pr *porchv1alpha1.PackageRevision, approver string) field.ErrorList {
	var errs field.ErrorList
	if pr.Spec.Revision != old.Spec.Revision {
		errs = append(errs, field.Forbidden(revisionPath, fmt.Sprintf(
			"set only by the system when the revision is published; leave it at %d", old.Spec.Revision)))
	}
	if changedKey(old.Labels, pr.Labels, porchv1alpha1.LatestPackageRevisionKey) {
		errs = append(errs, field.Forbidden(latestPath, "set only by the system, on the highest published revision of a package; "+leaveAs(old.Labels, porchv1alpha1.LatestPackageRevisionKey)))
	}
	approvedBy, set := pr.Annotations[porchv1alpha1.ApprovedByAnnotation]
	recorded := approver != "" && set && approvedBy == approver && isApproval(old, pr)
	if changedKey(old.Annotations, pr.Annotations, porchv1alpha1.ApprovedByAnnotation) && !recorded {
		errs = append(errs, field.Forbidden(approvedPath, "set only by the system, to the user who approves the revision; "+leaveAs(old.Annotations, porchv1alpha1.ApprovedByAnnotation)))
	}
	return errs
}

func changedKey(old, m map[string]string, key string) bool {
	was, had := old[key]
	is, has := m[key]
	return had != has || was != is
}

func leaveAs(old map[string]string, key string) string {
	if v, ok := old[key]; ok {
		return fmt.Sprintf("leave it as it is (%q)", v)
	}
	return "leave it out"
}

// specFields are the spec's fields besides spec.lifecycle and spec.revision
// (which have rules of their own), for naming what an update changed.
var specFields = []struct {
	name string
	get  func(*porchv1alpha1.PackageRevisionSpec) any
}{
	{"packageName", func(s *porchv1alpha1.PackageRevisionSpec) any { return s.PackageName }},
	{"repository", func(s *porchv1alpha1.PackageRevisionSpec) any { return s.RepositoryName }},
	{"workspaceName", func(s *porchv1alpha1.PackageRevisionSpec) any { return s.WorkspaceName }},
	{"tasks", func(s *porchv1alpha1.PackageRevisionSpec) any { return s.Tasks }},
	{"readinessGates", func(s *porchv1alpha1.PackageRevisionSpec) any { return s.ReadinessGates }},
	{"packageMetadata", func(s *porchv1alpha1.PackageRevisionSpec) any { return s.PackageMetadata }},
}

// validatePublishedUnchanged refuses any change of a Published or
// DeletionProposed revision's spec but its lifecycle (spec.revision is the
// system's rule); its metadata stays writable.
func validatePublishedUnchanged(old, pr *porchv1alpha1.PackageRevision) field.ErrorList {
	from := lifecycleOf(old)
	if !from.IsPublished() {
		return nil
	}
	a, b := old.Spec.DeepCopy(), pr.Spec.DeepCopy()
	a.Lifecycle, a.Revision, b.Lifecycle, b.Revision = "", 0, "", 0
	if equality.Semantic.DeepEqual(a, b) {
		return nil
	}
	detail := fmt.Sprintf("a %s PackageRevision is immutable except spec.lifecycle and metadata; start a new revision from it with an edit task to change it", from)
	var errs field.ErrorList
	for _, f := range specFields {
		if !equality.Semantic.DeepEqual(f.get(a), f.get(b)) {
			errs = append(errs, field.Forbidden(field.NewPath("spec", f.name), detail))
		}
	}
	if len(errs) == 0 { // a field this list does not know yet
		errs = append(errs, field.Forbidden(field.NewPath("spec"), detail))
	}
	return errs
}

// validateUserUpdate holds the rules of a user's update that need nothing
// but the old and new objects. approver is the requesting user's name.
func validateUserUpdate(old, pr *porchv1alpha1.PackageRevision, approver string) field.ErrorList {
	var errs field.ErrorList
	if err := validateTransition(lifecycleOf(old), lifecycleOf(pr)); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, validateSystemFields(old, pr, approver)...)
	return append(errs, validatePublishedUnchanged(old, pr)...)
}

func validateGates(pr *porchv1alpha1.PackageRevision) *field.Error {
	unmet := pr.UnmetReadinessGates()
	if len(unmet) == 0 {
		return nil
	}
	return field.Forbidden(gatesPath, fmt.Sprintf(
		"readiness gates not met: %s not True in status.conditions or status.packageConditions; approve once the package reports them True",
		quoteAll(unmet)))
}

func quoteAll(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}
