package webhook

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// +kubebuilder:webhook:path=/validate-config-porch-kpt-dev-v1alpha1-packagevariantset,mutating=false,failurePolicy=fail,sideEffects=None,groups=config.porch.kpt.dev,resources=packagevariantsets,verbs=create;update,versions=v1alpha1,name=vpackagevariantset-v1alpha1.config.porch.kpt.dev,admissionReviewVersions=v1

var setKind = configv1alpha1.GroupVersion.WithKind("PackageVariantSet").GroupKind()

// PackageVariantSetValidator keeps a set's objectSelectors to what its
// author could read without the manager: the manager lists the selected
// objects with its own rights and shows their labels and annotations to
// the set's expressions, so a user may select only kinds they may list in
// the set's namespace, and, unless the manager allows it, no kind that is
// not namespaced (the manager would list it across the cluster).
type PackageVariantSetValidator struct {
	// mapper tells a kind's resource and whether it is namespaced.
	mapper meta.RESTMapper
	// client creates SubjectAccessReviews.
	client client.Client
	// allowClusterScoped lets sets select kinds that are not namespaced.
	allowClusterScoped bool
}

var _ userRules[*configv1alpha1.PackageVariantSet] = &PackageVariantSetValidator{}

func (v *PackageVariantSetValidator) create(ctx context.Context, who caller, pvs *configv1alpha1.PackageVariantSet) error {
	return v.validateSelectors(ctx, who, pvs)
}

// update checks the selectors again when the targets changed: a user
// editing another's set may not widen it to what they cannot list.
func (v *PackageVariantSetValidator) update(ctx context.Context, who caller, old, pvs *configv1alpha1.PackageVariantSet) error {
	if pvs.DeletionTimestamp != nil || equality.Semantic.DeepEqual(old.Spec.Targets, pvs.Spec.Targets) {
		return nil
	}
	return v.validateSelectors(ctx, who, pvs)
}

func (v *PackageVariantSetValidator) delete(context.Context, caller, *configv1alpha1.PackageVariantSet) error {
	return nil
}

// validateSelectors refuses each objectSelector whose kind is unknown, not
// namespaced (unless allowed), or one the caller may not list in the set's
// namespace. A refusal of permission is Forbidden; the others are Invalid.
func (v *PackageVariantSetValidator) validateSelectors(ctx context.Context, who caller, pvs *configv1alpha1.PackageVariantSet) error {
	var invalidErrs, forbidden field.ErrorList
	for i, t := range pvs.Spec.Targets {
		sel := t.ObjectSelector
		if sel == nil {
			continue
		}
		path := field.NewPath("spec", "targets").Index(i).Child("objectSelector")
		mapping, problem, err := v.mapping(sel)
		if err != nil {
			return err
		}
		if problem != "" {
			invalidErrs = append(invalidErrs, field.Invalid(path.Child("kind"), sel.Kind, problem))
			continue
		}
		if mapping.Scope.Name() == meta.RESTScopeNameRoot && !v.allowClusterScoped {
			invalidErrs = append(invalidErrs, field.Forbidden(path.Child("kind"), fmt.Sprintf(
				"%s is not namespaced: a PackageVariantSet selects objects of its own namespace only "+
					"(the manager allows kinds that are not namespaced with --allow-cluster-scoped-selectors)", kindOf(sel))))
			continue
		}
		allowed, err := mayListIn(ctx, v.client, who, pvs.Namespace, mapping.Resource)
		if err != nil {
			return err
		}
		if !allowed {
			forbidden = append(forbidden, field.Forbidden(path, fmt.Sprintf(
				"user %q may not list %s in namespace %s: a PackageVariantSet selects only objects its author may list, "+
					"since their labels and annotations reach its expressions", who.Username, mapping.Resource.GroupResource(), pvs.Namespace)))
		}
	}
	if len(invalidErrs) > 0 {
		return invalid(setKind, pvs.Name, invalidErrs)
	}
	if len(forbidden) > 0 {
		return apierrors.NewForbidden(configv1alpha1.GroupVersion.WithResource("packagevariantsets").GroupResource(), pvs.Name,
			forbidden.ToAggregate())
	}
	return nil
}

// mapping finds the selector's resource; problem says why there is none
// the user can fix, err a failure to ask.
func (v *PackageVariantSetValidator) mapping(sel *configv1alpha1.ObjectSelector) (*meta.RESTMapping, string, error) {
	gv, err := schema.ParseGroupVersion(sel.APIVersion)
	if err != nil {
		return nil, fmt.Sprintf("apiVersion %q does not parse: %v", sel.APIVersion, err), nil
	}
	mapping, err := v.mapper.RESTMapping(schema.GroupKind{Group: gv.Group, Kind: sel.Kind}, gv.Version)
	if meta.IsNoMatchError(err) {
		return nil, fmt.Sprintf("the cluster has no %s: install its CustomResourceDefinition first", kindOf(sel)), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("looking up %s: %w", kindOf(sel), err)
	}
	return mapping, "", nil
}

func kindOf(sel *configv1alpha1.ObjectSelector) string {
	return fmt.Sprintf("kind %q of %q", sel.Kind, sel.APIVersion)
}
