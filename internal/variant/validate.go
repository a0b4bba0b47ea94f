package variant

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// systemContextKeys are the package context keys the system writes when it
// clones a package; a PackageVariant changing them would give the package
// another identity than its own.
var systemContextKeys = []string{"name", "package-path"}

const systemKeyDetail = "set by the system and may not be set by a PackageVariant"

// Validate checks what the API schema cannot: the fields the controller
// needs to find the packages, and the package context keys and pipeline
// function names that Mutate relies on. Errors name the field under spec.
func Validate(pv *configv1alpha1.PackageVariant) field.ErrorList {
	spec := field.NewPath("spec")
	var errs field.ErrorList
	if u := pv.Spec.Upstream; u == nil {
		errs = append(errs, field.Required(spec.Child("upstream"), ""))
	} else {
		errs = append(errs, required(spec.Child("upstream"), u.Repo, u.Package)...)
	}
	if d := pv.Spec.Downstream; d == nil {
		errs = append(errs, field.Required(spec.Child("downstream"), ""))
	} else {
		errs = append(errs, required(spec.Child("downstream"), d.Repo, d.Package)...)
	}
	errs = append(errs, validateMutation(pv)...)
	for i, s := range pv.Spec.Injectors {
		if s.Name == "" {
			errs = append(errs, field.Required(spec.Child("injectors").Index(i).Child("name"), ""))
		}
	}
	return errs
}

// required reports an empty repo or package of an upstream or downstream.
func required(path *field.Path, repo, pkg string) field.ErrorList {
	var errs field.ErrorList
	if repo == "" {
		errs = append(errs, field.Required(path.Child("repo"), ""))
	}
	if pkg == "" {
		errs = append(errs, field.Required(path.Child("package"), ""))
	}
	return errs
}

// validateMutation checks the parts of the spec that Mutate acts on, so that
// Mutate refuses what Validate would.
func validateMutation(pv *configv1alpha1.PackageVariant) field.ErrorList {
	spec := field.NewPath("spec")
	errs := validatePackageContext(pv.Spec.PackageContext, spec.Child("packageContext"))
	if p := pv.Spec.Pipeline; p != nil {
		errs = append(errs, validateFunctions(p.Mutators, spec.Child("pipeline", "mutators"))...)
		errs = append(errs, validateFunctions(p.Validators, spec.Child("pipeline", "validators"))...)
	}
	return errs
}

func validatePackageContext(pc *configv1alpha1.PackageContext, path *field.Path) field.ErrorList {
	if pc == nil {
		return nil
	}
	var errs field.ErrorList
	keys := make([]string, 0, len(pc.Data))
	for k := range pc.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if slices.Contains(systemContextKeys, k) {
			errs = append(errs, field.Forbidden(path.Child("data").Key(k), systemKeyDetail))
		}
	}
	for i, k := range pc.RemoveKeys {
		if slices.Contains(systemContextKeys, k) {
			errs = append(errs, field.Forbidden(path.Child("removeKeys").Index(i), systemKeyDetail))
		}
	}
	return errs
}

func validateFunctions(fns []kptfilev1.Function, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, fn := range fns {
		p := path.Index(i)
		switch {
		case fn.Name == "":
			errs = append(errs, field.Required(p.Child("name"), ""))
		case strings.Contains(fn.Name, "."):
			// The dot separates the parts of the generated name, which is how
			// a later Mutate tells this PackageVariant's functions apart.
			errs = append(errs, field.Invalid(p.Child("name"), fn.Name, fmt.Sprintf(
				"must not contain '.': it becomes part of the generated function name %s<pv>.<name>.<index>", FunctionPrefix)))
		}
		switch {
		case fn.Image == "" && fn.Exec == "":
			errs = append(errs, field.Required(p.Child("image"), "one of image and exec is required"))
		case fn.Image != "" && fn.Exec != "":
			// As in a Kptfile pipeline, which does not render otherwise.
			errs = append(errs, field.Forbidden(p.Child("exec"), "only one of image and exec may be set"))
		}
	}
	return errs
}
