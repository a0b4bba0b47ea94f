package webhook

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// +kubebuilder:webhook:path=/validate-porch-kpt-dev-v1alpha1-packagerevisionresources,mutating=false,failurePolicy=fail,sideEffects=None,groups=porch.kpt.dev,resources=packagerevisionresources,verbs=create;update;delete,versions=v1alpha1,name=vpackagerevisionresources-v1alpha1.porch.kpt.dev,admissionReviewVersions=v1

// PackageRevisionResourcesValidator keeps users to the one write that is
// theirs: spec.resources of a Draft, with file names that stay inside the
// package, within the content limit. The system creates and deletes these
// objects with their PackageRevisions and writes the rest of the spec;
// its requests pass.
type PackageRevisionResourcesValidator struct {
	objects *lookup
	// maxPackageBytes bounds spec.resources; 0 means no limit.
	maxPackageBytes int64
}

var _ userRules[*porchv1alpha1.PackageRevisionResources] = &PackageRevisionResourcesValidator{}

// create refuses a user's create.
func (v *PackageRevisionResourcesValidator) create(_ context.Context, _ caller, prr *porchv1alpha1.PackageRevisionResources) error {
	return apierrors.NewForbidden(resourcesResource, prr.Name, errors.New(
		"PackageRevisionResources are created by the system with their PackageRevision: create the PackageRevision, "+
			"then write the files into spec.resources of the PackageRevisionResources of the same name"))
}

// update lets a user change spec.resources of a Draft's
// PackageRevisionResources, and nothing else of the spec.
func (v *PackageRevisionResourcesValidator) update(ctx context.Context, _ caller, old, prr *porchv1alpha1.PackageRevisionResources) error {
	errs := validateResourcesIdentity(&old.Spec, &prr.Spec)
	if equality.Semantic.DeepEqual(old.Spec.Resources, prr.Spec.Resources) {
		return invalid(resourcesKind, prr.Name, errs)
	}
	errs = append(errs, validatePaths(prr.Spec.Resources)...)
	errs = append(errs, validateResourcesSize(prr.Spec.Resources, v.maxPackageBytes)...)
	pr, err := v.objects.revision(ctx, prr.Namespace, prr.Name, func(pr *porchv1alpha1.PackageRevision) bool { return lifecycleOf(pr) == draft })
	if err != nil {
		return err
	}
	switch {
	case pr == nil:
		errs = append(errs, field.Forbidden(resourcesPath, fmt.Sprintf(
			"PackageRevision %q does not exist; spec.resources is writable only while it is a Draft", prr.Name)))
	case lifecycleOf(pr) != draft:
		errs = append(errs, field.Forbidden(resourcesPath, fmt.Sprintf(
			"PackageRevision %q is %s; spec.resources is writable only while it is a Draft: %s", pr.Name, lifecycleOf(pr), draftHint(lifecycleOf(pr)))))
	}
	return invalid(resourcesKind, prr.Name, errs)
}

func draftHint(l lifecycle) string {
	if l == proposed {
		return "set its spec.lifecycle back to Draft first"
	}
	return "start a new revision from it with an edit task"
}

// validateResourcesIdentity refuses a change of the fields that say which
// revision the files belong to; the system writes them.
func validateResourcesIdentity(old, spec *porchv1alpha1.PackageRevisionResourcesSpec) field.ErrorList {
	var errs field.ErrorList
	for _, f := range []struct {
		name     string
		was, now any
	}{
		{"packageName", old.PackageName, spec.PackageName},
		{"workspaceName", old.WorkspaceName, spec.WorkspaceName},
		{"revision", old.Revision, spec.Revision},
		{"repository", old.RepositoryName, spec.RepositoryName},
	} {
		if f.was != f.now {
			errs = append(errs, field.Forbidden(field.NewPath("spec", f.name), fmt.Sprintf(
				"set only by the system, from the PackageRevision; leave it as it is (%v)", f.was)))
		}
	}
	return errs
}

// delete refuses a user's delete unless the PackageRevision of the same
// name, or the Repository, is gone or going: the files go with them.
func (v *PackageRevisionResourcesValidator) delete(ctx context.Context, _ caller, prr *porchv1alpha1.PackageRevisionResources) error {
	if gone, err := v.objects.revisionGoneOrGoing(ctx, prr.Namespace, prr.Name); err != nil || gone {
		return err
	}
	if prr.Spec.RepositoryName != "" {
		if gone, err := v.objects.repositoryGoneOrGoing(ctx, prr.Namespace, prr.Spec.RepositoryName); err != nil || gone {
			return err
		}
	}
	return apierrors.NewForbidden(resourcesResource, prr.Name, fmt.Errorf(
		"PackageRevisionResources are deleted by the system with their PackageRevision: delete PackageRevision %q instead", prr.Name))
}
