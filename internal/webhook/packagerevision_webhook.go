package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/index"
)

// +kubebuilder:webhook:path=/validate-porch-kpt-dev-v1alpha1-packagerevision,mutating=false,failurePolicy=fail,sideEffects=None,groups=porch.kpt.dev,resources=packagerevisions,verbs=create;update;delete,versions=v1alpha1,name=vpackagerevision-v1alpha1.porch.kpt.dev,admissionReviewVersions=v1

// The resources and kinds that refusals name.
var (
	revisionResource  = porchv1alpha1.GroupVersion.WithResource("packagerevisions").GroupResource()
	revisionKind      = porchv1alpha1.GroupVersion.WithKind("PackageRevision").GroupKind()
	resourcesResource = porchv1alpha1.GroupVersion.WithResource("packagerevisionresources").GroupResource()
	resourcesKind     = porchv1alpha1.GroupVersion.WithKind("PackageRevisionResources").GroupKind()
)

// PackageRevisionValidator enforces the lifecycle of PackageRevisions on
// users: create as Draft, the transition table, approval permission,
// readiness gates, no proposal or approval before render, published
// revisions immutable, the system's fields left alone, and no deletion of
// a published revision or of one that another revision's task names.
// The system's own requests (Options.SystemUsers) pass unchecked (see
// forUsers): the repository sync mirrors what git holds, whatever its
// lifecycle. Only the main resource is registered here: writes of the
// status subresource go to the status validators (status_webhook.go).
type PackageRevisionValidator struct {
	objects *lookup
	// client creates SubjectAccessReviews.
	client  client.Client
	remotes remoteRules
}

var _ userRules[*porchv1alpha1.PackageRevision] = &PackageRevisionValidator{}

// create lets a user create only a Draft, named after its repository,
// package and workspace, whose task fits what exists: init and clone make a
// new package, edit and upgrade start from published revisions; a clone
// from a git URL names a remote the manager reaches for users and a Secret
// the user may read. The task is immutable (CEL), so updates need no such
// check.
func (v *PackageRevisionValidator) create(ctx context.Context, who caller, pr *porchv1alpha1.PackageRevision) error {
	errs := append(validateNewRevision(pr), v.remotes.clone(ctx, pr)...)
	taskErrs, err := v.validateTask(ctx, pr)
	if err != nil {
		return err
	}
	if err := invalid(revisionKind, pr.Name, append(errs, taskErrs...)); err != nil {
		return err
	}
	return maySecrets(ctx, v.client, who, revisionResource, pr.Name, pr.Namespace, changedSecrets(nil, cloneSecrets(pr)))
}

// update checks a user's update: the pure rules first (422), then the
// approval permission (403), render (409) and readiness gates (422).
func (v *PackageRevisionValidator) update(ctx context.Context, who caller, old, pr *porchv1alpha1.PackageRevision) error {
	if errs := validateUserUpdate(old, pr, who.Username); len(errs) > 0 {
		return invalid(revisionKind, pr.Name, errs)
	}
	if lifecycleOf(old) == published && lifecycleOf(pr) == porchv1alpha1.PackageRevisionLifecycleDeletionProposed {
		// A revision another names as its upstream could not be deleted:
		// that is refused now, rather than after a reviewer agreed to it.
		asUpstream := func(ref taskRef) bool { return ref.upstream }
		if refusal, err := v.referrersRefusal(ctx, pr, asUpstream); err != nil || refusal != nil {
			return firstOf(err, refusal)
		}
	}
	if !waitsForRender(old, pr) {
		return nil
	}
	// The permission and the render state are asked for at once: each is a
	// round trip to the apiserver. The permission's refusal comes first.
	var permission, render error
	var wg sync.WaitGroup
	if isApproval(old, pr) {
		wg.Go(func() { permission = mayApprove(ctx, v.client, who, pr) })
	}
	wg.Go(func() { render = v.validateRendered(ctx, old, lifecycleOf(pr)) })
	wg.Wait()
	if err := firstOf(permission, render); err != nil {
		return err
	}
	if isApproval(old, pr) {
		// The gates of the new spec, against the conditions observed so far.
		gated := &porchv1alpha1.PackageRevision{Spec: pr.Spec, Status: old.Status}
		if err := validateGates(gated); err != nil {
			return invalid(revisionKind, pr.Name, field.ErrorList{err})
		}
	}
	return nil
}

// delete refuses a user's deletion of a Published revision (the
// branch placeholder, revision -1, aside: deleting it removes the package
// from the branch) and of a revision that another revision's task names.
// Whatever is left of a Repository that is gone or going may be deleted.
func (v *PackageRevisionValidator) delete(ctx context.Context, _ caller, pr *porchv1alpha1.PackageRevision) error {
	refusal, err := v.deleteRefusal(ctx, pr)
	if err != nil || refusal == nil {
		return err
	}
	if gone, err := v.objects.repositoryGoneOrGoing(ctx, pr.Namespace, pr.Spec.RepositoryName); err != nil || gone {
		return err
	}
	return refusal
}

func (v *PackageRevisionValidator) deleteRefusal(ctx context.Context, pr *porchv1alpha1.PackageRevision) (error, error) {
	if lifecycleOf(pr) == published && pr.Spec.Revision != -1 {
		return apierrors.NewForbidden(revisionResource, pr.Name, errors.New(
			"published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion")), nil
	}
	return v.referrersRefusal(ctx, pr, func(taskRef) bool { return true })
}

// referrersRefusal refuses the deletion of a revision that another
// revision's task names, in a reference that counts, listing them, or nil.
func (v *PackageRevisionValidator) referrersRefusal(ctx context.Context, pr *porchv1alpha1.PackageRevision, counts func(taskRef) bool) (error, error) {
	referrers, err := v.objects.list(ctx, pr.Namespace, upstreamIndex, pr.Name)
	if err != nil {
		return nil, err
	}
	var named []string
	for i := range referrers {
		other := &referrers[i]
		if other.Name == pr.Name || other.DeletionTimestamp != nil {
			continue
		}
		for _, ref := range taskRefs(other) {
			if ref.name == pr.Name && counts(ref) {
				named = append(named, fmt.Sprintf("PackageRevision %q names it in %s", other.Name, ref.path))
			}
		}
	}
	if len(named) == 0 {
		return nil, nil
	}
	sort.Strings(named)
	return apierrors.NewForbidden(revisionResource, pr.Name, fmt.Errorf(
		"another revision's task names it: %s; delete that revision first", strings.Join(named, "; "))), nil
}

// validateTask checks the task against what exists: init and clone (and a
// revision without a task, which starts from nothing as init does) need a
// package that does not exist yet; the revisions a task names must exist
// with a lifecycle it can start from.
func (v *PackageRevisionValidator) validateTask(ctx context.Context, pr *porchv1alpha1.PackageRevision) (field.ErrorList, error) {
	var errs field.ErrorList
	if createsPackage(pr) {
		others, err := v.objects.list(ctx, pr.Namespace, index.RevisionPackageIndex, index.PackageKey(pr.Spec.RepositoryName, pr.Spec.PackageName))
		if err != nil {
			return nil, err
		}
		if name := firstOther(others, pr.Name); name != "" {
			errs = append(errs, field.Forbidden(taskPath(pr), fmt.Sprintf(
				"package %q already exists in repository %q (PackageRevision %q); start a new revision of it with an edit task, or pick another spec.packageName",
				pr.Spec.PackageName, pr.Spec.RepositoryName, name)))
		}
	}
	for _, ref := range taskRefs(pr) {
		target, err := v.objects.revision(ctx, pr.Namespace, ref.name, func(t *porchv1alpha1.PackageRevision) bool { return refProblem(pr, ref, t) == "" })
		if err != nil {
			return nil, err
		}
		if target == nil {
			errs = append(errs, field.Invalid(ref.path, ref.name, fmt.Sprintf("no PackageRevision %q in namespace %s; %s must be an existing %s revision",
				ref.name, pr.Namespace, ref.role, orList(ref.accepted))))
		} else if problem := refProblem(pr, ref, target); problem != "" {
			errs = append(errs, field.Invalid(ref.path, ref.name, problem))
		}
	}
	return errs, nil
}

// validateRendered refuses proposing or approving before the content of the
// stored revision is rendered and committed (see render.go): 409 Conflict
// while it is in progress, 422 when the revision failed.
func (v *PackageRevisionValidator) validateRendered(ctx context.Context, old *porchv1alpha1.PackageRevision, to lifecycle) error {
	prr, err := v.objects.resources(ctx, old.Namespace, old.Name, func(prr *porchv1alpha1.PackageRevisionResources) bool {
		pending, failed := renderState(old, prr)
		return pending == "" && failed == ""
	})
	if err != nil {
		return err
	}
	pending, failed := renderState(old, prr)
	switch {
	case pending != "":
		return apierrors.NewConflict(revisionResource, old.Name, fmt.Errorf(
			"spec.lifecycle: rendering in progress, retry: %s; %s to %s waits until the content is rendered and committed", pending, lifecycleOf(old), to))
	case failed != "":
		return invalid(revisionKind, old.Name, field.ErrorList{field.Invalid(lifecyclePath, string(to), fmt.Sprintf(
			"%s; fix the package (spec.resources of its PackageRevisionResources) while it is a Draft, then retry", failed))})
	}
	return nil
}

// firstOf is the first error that is not nil.
func firstOf(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// createsPackage says whether pr's task makes a new package.
func createsPackage(pr *porchv1alpha1.PackageRevision) bool {
	return len(pr.Spec.Tasks) == 0 || pr.Spec.Tasks[0].Type == porchv1alpha1.TaskTypeInit || pr.Spec.Tasks[0].Type == porchv1alpha1.TaskTypeClone
}

func taskPath(pr *porchv1alpha1.PackageRevision) *field.Path {
	if len(pr.Spec.Tasks) == 0 {
		return field.NewPath("spec", "tasks")
	}
	return field.NewPath("spec", "tasks").Index(0)
}

// firstOther is the first name, in order, of the revisions other than name; "" when there is none.
func firstOther(revs []porchv1alpha1.PackageRevision, name string) string {
	var names []string
	for _, r := range revs {
		if r.Name != name {
			names = append(names, r.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return slices.Min(names)
}

// refProblem says why target cannot be what pr's task names it as, or "".
func refProblem(pr *porchv1alpha1.PackageRevision, ref taskRef, target *porchv1alpha1.PackageRevision) string {
	if l := lifecycleOf(target); !slices.Contains(ref.accepted, l) {
		hint := "propose and approve it first"
		if l.IsPublished() {
			hint = "pick a Published revision"
		}
		return fmt.Sprintf("PackageRevision %q is %s; %s must be %s: %s", target.Name, l, ref.role, orList(ref.accepted), hint)
	}
	if ref.samePackage && (target.Spec.RepositoryName != pr.Spec.RepositoryName || target.Spec.PackageName != pr.Spec.PackageName) {
		return fmt.Sprintf("PackageRevision %q is of package %q in repository %q; %s must be a revision of the same package (%q in %q)",
			target.Name, target.Spec.PackageName, target.Spec.RepositoryName, ref.role, pr.Spec.PackageName, pr.Spec.RepositoryName)
	}
	return ""
}

func orList(ls []lifecycle) string {
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = string(l)
	}
	return strings.Join(names, " or ")
}

// invalid is a 422 Invalid error of errs; nil when there are none.
func invalid(kind schema.GroupKind, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(kind, name, errs)
}
