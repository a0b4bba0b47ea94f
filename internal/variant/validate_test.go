package variant

import (
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*configv1alpha1.PackageVariant)
		// One error is wanted, of this type, on this field, with detail
		// containing this text; none when field is empty.
		typ    field.ErrorType
		field  string
		detail string
	}{
		{name: "valid", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu"}, RemoveKeys: []string{"zone"}}
			pv.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("labels", "set-labels:v1")},
				Validators: []kptfilev1.Function{{Name: "local", Exec: "./check"}}}
			pv.Spec.Injectors = []configv1alpha1.InjectionSelector{{Name: "settings", Kind: ptr("ConfigMap")}}
		}},
		{name: "no upstream", change: func(pv *configv1alpha1.PackageVariant) { pv.Spec.Upstream = nil },
			typ: field.ErrorTypeRequired, field: "spec.upstream"},
		{name: "no upstream repo", change: func(pv *configv1alpha1.PackageVariant) { pv.Spec.Upstream.Repo = "" },
			typ: field.ErrorTypeRequired, field: "spec.upstream.repo"},
		{name: "no upstream package", change: func(pv *configv1alpha1.PackageVariant) { pv.Spec.Upstream.Package = "" },
			typ: field.ErrorTypeRequired, field: "spec.upstream.package"},
		{name: "no downstream", change: func(pv *configv1alpha1.PackageVariant) { pv.Spec.Downstream = nil },
			typ: field.ErrorTypeRequired, field: "spec.downstream"},
		{name: "no downstream repo", change: func(pv *configv1alpha1.PackageVariant) { pv.Spec.Downstream.Repo = "" },
			typ: field.ErrorTypeRequired, field: "spec.downstream.repo"},
		{name: "no downstream package", change: func(pv *configv1alpha1.PackageVariant) { pv.Spec.Downstream.Package = "" },
			typ: field.ErrorTypeRequired, field: "spec.downstream.package"},
		{name: "context sets name", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu", "name": "x"}}
		}, typ: field.ErrorTypeForbidden, field: "spec.packageContext.data[name]", detail: "set by the system and may not be set by a PackageVariant"},
		{name: "context sets package-path", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"package-path": "x"}}
		}, typ: field.ErrorTypeForbidden, field: "spec.packageContext.data[package-path]", detail: "set by the system"},
		{name: "context removes name", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{RemoveKeys: []string{"zone", "name"}}
		}, typ: field.ErrorTypeForbidden, field: "spec.packageContext.removeKeys[1]", detail: "may not be set by a PackageVariant"},
		{name: "context removes package-path", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{RemoveKeys: []string{"package-path"}}
		}, typ: field.ErrorTypeForbidden, field: "spec.packageContext.removeKeys[0]"},
		{name: "mutator without name", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("", "set-labels:v1")}}
		}, typ: field.ErrorTypeRequired, field: "spec.pipeline.mutators[0].name"},
		{name: "validator name with a dot", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Pipeline = &kptfilev1.Pipeline{Validators: []kptfilev1.Function{fn("ok", "kubeval:v1"), fn("a.b", "kubeval:v1")}}
		}, typ: field.ErrorTypeInvalid, field: "spec.pipeline.validators[1].name",
			detail: "must not contain '.': it becomes part of the generated function name PackageVariant.<pv>.<name>.<index>"},
		{name: "mutator without image or exec", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{{Name: "labels"}}}
		}, typ: field.ErrorTypeRequired, field: "spec.pipeline.mutators[0].image", detail: "one of image and exec"},
		{name: "validator without image or exec", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Pipeline = &kptfilev1.Pipeline{Validators: []kptfilev1.Function{{Name: "check"}}}
		}, typ: field.ErrorTypeRequired, field: "spec.pipeline.validators[0].image"},
		{name: "mutator with image and exec", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{{Name: "labels", Image: "set-labels:v1", Exec: "./labels"}}}
		}, typ: field.ErrorTypeForbidden, field: "spec.pipeline.mutators[0].exec"},
		{name: "injector without name", change: func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Injectors = []configv1alpha1.InjectionSelector{{Name: "a"}, {Kind: ptr("ConfigMap")}}
		}, typ: field.ErrorTypeRequired, field: "spec.injectors[1].name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pv := examplePV()
			tc.change(pv)
			errs := Validate(pv)
			if tc.field == "" {
				if len(errs) != 0 {
					t.Fatalf("want no errors, got %v", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("want one error on %s, got %v", tc.field, errs)
			}
			if errs[0].Type != tc.typ || errs[0].Field != tc.field || !strings.Contains(errs[0].Detail, tc.detail) {
				t.Fatalf("want %s on %s with %q, got %v", tc.typ, tc.field, tc.detail, errs[0])
			}
		})
	}
}

func TestValidateReportsEveryError(t *testing.T) {
	pv := examplePV()
	pv.Spec.Upstream = nil
	pv.Spec.Downstream.Repo = ""
	pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"package-path": "p", "name": "n"}}
	var got []string
	for _, err := range Validate(pv) {
		got = append(got, err.Field)
	}
	want := "spec.upstream spec.downstream.repo spec.packageContext.data[name] spec.packageContext.data[package-path]"
	if strings.Join(got, " ") != want {
		t.Fatalf("want errors on %s, in that order; got %v", want, got)
	}
}
