package webhook

import (
	"context"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// +kubebuilder:webhook:path=/validate-porch-kpt-dev-v1alpha1-packagerevision-status,mutating=false,failurePolicy=fail,sideEffects=None,groups=porch.kpt.dev,resources=packagerevisions/status,verbs=update,versions=v1alpha1,name=vpackagerevision-status-v1alpha1.porch.kpt.dev,admissionReviewVersions=v1
// +kubebuilder:webhook:path=/validate-porch-kpt-dev-v1alpha1-packagerevisionresources-status,mutating=false,failurePolicy=fail,sideEffects=None,groups=porch.kpt.dev,resources=packagerevisionresources/status,verbs=update,versions=v1alpha1,name=vpackagerevisionresources-status-v1alpha1.porch.kpt.dev,admissionReviewVersions=v1

// Paths of the status webhooks, as the markers above name them.
const (
	revisionStatusPath  = "/validate-porch-kpt-dev-v1alpha1-packagerevision-status"
	resourcesStatusPath = "/validate-porch-kpt-dev-v1alpha1-packagerevisionresources-status"
)

// The status of PackageRevisions and PackageRevisionResources is the
// system's: what the repository holds and what the controllers did with a
// user's request. Decisions hang on it (the render gate of propose and
// approve reads the observed generations and the Ready condition; the
// sync leaves alone what looks pending), and users read it as the truth
// about git. These validators see every write through the status
// subresources, and hold every requester but the manager
// (Options.SystemUsers, let through by forUsers) to this rule:
//
//   - PackageRevision: a user may change status.packageConditions, and the
//     entries of status.conditions whose type is not Ready or Rendered,
//     while the revision is a Draft. Those are the package's own conditions:
//     the authoring controller commits packageConditions to the Draft's
//     Kptfile, as upstream lets users set them, and both meet readiness
//     gates. Every other field (observedGeneration, the Ready and Rendered
//     conditions, upstreamLock, selfLock, publishedBy, publishTimestamp,
//     deployment), and any change of a revision that is not a Draft, is
//     refused, naming the field.
//   - PackageRevisionResources: a user may change nothing of the status
//     (resources, renderStatus, commit, observedGeneration); the files of a
//     Draft are written to spec.resources, which the controller renders and
//     commits.
//
// A write that changes nothing passes. Refusals are 422 Invalid, one
// Forbidden cause per field, saying what a user may write instead.

// systemConditions are the condition types the controllers write.
var systemConditions = []string{porchv1alpha1.ConditionReady, porchv1alpha1.ConditionRendered}

var (
	statusPath            = field.NewPath("status")
	conditionsPath        = statusPath.Child("conditions")
	packageConditionsPath = statusPath.Child("packageConditions")
)

// statusField is one field of a status, as it was and as a write makes it.
type statusField struct {
	name     string
	was, now any
}

// changedFields are the Forbidden causes of the fields that moved, with
// why; a change none of them shows (a field the list does not know yet)
// is refused on status itself.
func changedFields(fields []statusField, whole statusField, why string) field.ErrorList {
	var errs field.ErrorList
	for _, f := range fields {
		if !equality.Semantic.DeepEqual(f.was, f.now) {
			errs = append(errs, field.Forbidden(statusPath.Child(f.name), why))
		}
	}
	if len(errs) == 0 && !equality.Semantic.DeepEqual(whole.was, whole.now) {
		errs = append(errs, field.Forbidden(statusPath, why))
	}
	return errs
}

// revisionStatusRules hold users to the rule above for PackageRevisions.
type revisionStatusRules struct{}

var _ userRules[*porchv1alpha1.PackageRevision] = revisionStatusRules{}

// create and delete are not operations of a status subresource.
func (revisionStatusRules) create(context.Context, caller, *porchv1alpha1.PackageRevision) error {
	return nil
}

func (revisionStatusRules) delete(context.Context, caller, *porchv1alpha1.PackageRevision) error {
	return nil
}

func (revisionStatusRules) update(_ context.Context, _ caller, old, pr *porchv1alpha1.PackageRevision) error {
	return invalid(revisionKind, pr.Name, validateUserRevisionStatus(old, pr))
}

// validateUserRevisionStatus checks a user's write of a PackageRevision's
// status. The apiserver keeps the spec of a status write as stored, so
// old's lifecycle is the revision's.
func validateUserRevisionStatus(old, pr *porchv1alpha1.PackageRevision) field.ErrorList {
	const users = "a user may change status.packageConditions, and status.conditions other than " +
		"Ready and Rendered, while the revision is a Draft"
	l := lifecycleOf(old)
	var errs field.ErrorList
	notDraft := fmt.Sprintf("the package's conditions are a Draft's to change, and PackageRevision %q is %s; %s", old.Name, l, draftHint(l))
	if !equality.Semantic.DeepEqual(old.Status.PackageConditions, pr.Status.PackageConditions) && l != draft {
		errs = append(errs, field.Forbidden(packageConditionsPath, notDraft))
	}
	oldSystem, oldUsers := splitConditions(old.Status.Conditions)
	newSystem, newUsers := splitConditions(pr.Status.Conditions)
	for _, typ := range systemConditions {
		if !equality.Semantic.DeepEqual(oldSystem[typ], newSystem[typ]) {
			errs = append(errs, field.Forbidden(conditionsPath.Key(typ), fmt.Sprintf(
				"the %s condition is written only by the system; %s", typ, users)))
		}
	}
	if !equality.Semantic.DeepEqual(oldUsers, newUsers) && l != draft {
		errs = append(errs, field.Forbidden(conditionsPath, notDraft))
	}
	was, now := old.Status, pr.Status
	was.Conditions, was.PackageConditions, now.Conditions, now.PackageConditions = nil, nil, nil, nil
	return append(errs, changedFields([]statusField{
		{"observedGeneration", was.ObservedGeneration, now.ObservedGeneration},
		{"upstreamLock", was.UpstreamLock, now.UpstreamLock},
		{"selfLock", was.SelfLock, now.SelfLock},
		{"publishedBy", was.PublishedBy, now.PublishedBy},
		{"publishTimestamp", was.PublishedAt, now.PublishedAt},
		{"deployment", was.Deployment, now.Deployment},
	}, statusField{"status", was, now}, "written only by the system, from the repository and the controllers' work; "+users)...)
}

// splitConditions parts conditions into the system's, by type, and the
// others (users'), in order.
func splitConditions(conditions []metav1.Condition) (map[string]metav1.Condition, []metav1.Condition) {
	system := map[string]metav1.Condition{}
	var others []metav1.Condition
	for _, c := range conditions {
		if slices.Contains(systemConditions, c.Type) {
			system[c.Type] = c
		} else {
			others = append(others, c)
		}
	}
	return system, others
}

// resourcesStatusRules hold users to the rule above for PackageRevisionResources.
type resourcesStatusRules struct{}

var _ userRules[*porchv1alpha1.PackageRevisionResources] = resourcesStatusRules{}

func (resourcesStatusRules) create(context.Context, caller, *porchv1alpha1.PackageRevisionResources) error {
	return nil
}

func (resourcesStatusRules) delete(context.Context, caller, *porchv1alpha1.PackageRevisionResources) error {
	return nil
}

func (resourcesStatusRules) update(_ context.Context, _ caller, old, prr *porchv1alpha1.PackageRevisionResources) error {
	return invalid(resourcesKind, prr.Name, validateUserResourcesStatus(old, prr))
}

// validateUserResourcesStatus refuses any change of a
// PackageRevisionResources' status by a user.
func validateUserResourcesStatus(old, prr *porchv1alpha1.PackageRevisionResources) field.ErrorList {
	was, now := old.Status, prr.Status
	return changedFields([]statusField{
		{"resources", was.Resources, now.Resources},
		{"renderStatus", was.RenderStatus, now.RenderStatus},
		{"commit", was.Commit, now.Commit},
		{"observedGeneration", was.ObservedGeneration, now.ObservedGeneration},
	}, statusField{"status", was, now}, "written only by the system: the package as committed in the repository and how its last edit rendered; "+
		"a user changes the files of a Draft through spec.resources, which is rendered and committed")
}
