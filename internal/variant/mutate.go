package variant

import (
	"fmt"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// Mutate returns a copy of a downstream package with the PackageVariant's
// mutations applied, in order: the package context, the pipeline functions,
// then the injected objects. The input is not changed.
//
// Each step edits a file only where its data changes, so Mutate of its own
// output returns it unchanged, and a PackageVariant that asks for nothing
// leaves a package without its functions or injection points byte for byte
// as it was.
func Mutate(files cad.Package, pv *configv1alpha1.PackageVariant, injections []Injection) (cad.Package, error) {
	if pv == nil || pv.Name == "" {
		return nil, fmt.Errorf("a named PackageVariant is required: its name marks the functions it adds")
	}
	if errs := validateMutation(pv); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	points, err := InjectionPoints(files)
	if err != nil {
		return nil, err
	}
	if err := uniqueConditionTypes(points); err != nil {
		return nil, err
	}
	objects, err := injectedObjects(points, injections)
	if err != nil {
		return nil, err
	}
	out := files.Copy()
	if err := setPackageContext(out, pv.Spec.PackageContext); err != nil {
		return nil, err
	}
	if err := setPipeline(out, pv.Name, pv.Spec.Pipeline); err != nil {
		return nil, err
	}
	if err := injectObjects(out, points, objects); err != nil {
		return nil, err
	}
	if err := setInjectionStatus(out, points, objects); err != nil {
		return nil, err
	}
	return out, nil
}
