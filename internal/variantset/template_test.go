package variantset

import (
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// tmplPath is where a template sits in a set, as the controller passes it.
var tmplPath = field.NewPath("spec", "targets").Index(0).Child("template")

func ptr[T any](v T) *T { return &v }

func TestCompileErrors(t *testing.T) {
	type want struct {
		path, reason string
	}
	tests := []struct {
		name string
		tmpl *configv1alpha1.PackageVariantTemplate
		want []want
	}{
		{name: "syntax error",
			tmpl: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{PackageExpr: ptr(`"a" +`)}},
			want: []want{{"spec.targets[0].template.downstream.packageExpr", "Syntax error"}}},
		{name: "int output",
			tmpl: &configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{
				{Key: ptr("a"), Value: ptr("1")},
				{Key: ptr("b"), ValueExpr: ptr(`"2"`)},
				{Key: ptr("c"), ValueExpr: ptr("1 + 2")},
			}},
			want: []want{{"spec.targets[0].template.labelExprs[2].valueExpr", "gives int, not a string"}}},
		{name: "unknown variable",
			tmpl: &configv1alpha1.PackageVariantTemplate{Pipeline: &configv1alpha1.PipelineTemplate{Mutators: []configv1alpha1.FunctionTemplate{{
				Function: kptfilev1.Function{Image: "add-labels"},
				ConfigMapExprs: []configv1alpha1.MapExpr{
					{Key: ptr("a"), Value: ptr("b")},
					{KeyExpr: ptr("cluster.name"), Value: ptr("b")},
				},
			}}}},
			want: []want{{"spec.targets[0].template.pipeline.mutators[0].configMapExprs[1].keyExpr", "undeclared reference to 'cluster'"}}},
		{name: "validator config",
			tmpl: &configv1alpha1.PackageVariantTemplate{Pipeline: &configv1alpha1.PipelineTemplate{Validators: []configv1alpha1.FunctionTemplate{{
				ConfigMapExprs: []configv1alpha1.MapExpr{{Key: ptr("a"), ValueExpr: ptr("target")}},
			}}}},
			want: []want{{"spec.targets[0].template.pipeline.validators[0].configMapExprs[0].valueExpr", "gives map(string, dyn), not a string"}}},
		{name: "injector name",
			tmpl: &configv1alpha1.PackageVariantTemplate{Injectors: []configv1alpha1.InjectionSelectorTemplate{{NameExpr: ptr("size(target)")}}},
			want: []want{{"spec.targets[0].template.injectors[0].nameExpr", "gives int, not a string"}}},
		{name: "remove key",
			tmpl: &configv1alpha1.PackageVariantTemplate{PackageContext: &configv1alpha1.PackageContextTemplate{RemoveKeyExprs: []string{"true"}}},
			want: []want{{"spec.targets[0].template.packageContext.removeKeyExprs[0]", "gives bool, not a string"}}},
		{name: "every error reported",
			tmpl: &configv1alpha1.PackageVariantTemplate{
				Downstream:      &configv1alpha1.DownstreamTemplate{RepoExpr: ptr("repoDefault +")},
				AnnotationExprs: []configv1alpha1.MapExpr{{KeyExpr: ptr("1"), Value: ptr("v")}},
				PackageContext: &configv1alpha1.PackageContextTemplate{DataExprs: []configv1alpha1.MapExpr{
					{Key: ptr("k"), ValueExpr: ptr("repoDefault.nope()")},
				}},
			},
			want: []want{
				{"spec.targets[0].template.downstream.repoExpr", "Syntax error"},
				{"spec.targets[0].template.annotationExprs[0].keyExpr", "gives int, not a string"},
				{"spec.targets[0].template.packageContext.dataExprs[0].valueExpr", "undeclared reference to 'nope'"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := Compile(tt.tmpl, tmplPath)
			if got != nil {
				t.Errorf("Compile gave a template despite errors")
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tt.want), errs)
			}
			for i, w := range tt.want {
				err := errs[i]
				if err.Type != field.ErrorTypeInvalid || err.Field != w.path {
					t.Errorf("error %d: got %s on %s, want %s on %s", i, err.Type, err.Field, field.ErrorTypeInvalid, w.path)
				}
				if !strings.Contains(err.Detail, w.reason) {
					t.Errorf("error %d: detail %q lacks %q", i, err.Detail, w.reason)
				}
				if strings.Contains(err.Detail, "\n") {
					t.Errorf("error %d: detail %q spans lines", i, err.Detail)
				}
				if !strings.Contains(err.Error(), "Invalid value: ") || err.BadValue == "" {
					t.Errorf("error %d: %q does not quote the expression", i, err.Error())
				}
			}
		})
	}
}

func TestCompileAcceptsDynAndString(t *testing.T) {
	for _, src := range []string{
		`repoDefault`,
		`target.name`,
		`has(target.labels) ? target.labels.site : "none"`,
		`upstream.package.replace("/", "-")`,
		`repository.metadata.name + "-" + packageDefault`,
	} {
		tmpl := &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{PackageExpr: ptr(src)}}
		if _, errs := Compile(tmpl, tmplPath); len(errs) > 0 {
			t.Errorf("%s: %v", src, errs)
		}
	}
}
