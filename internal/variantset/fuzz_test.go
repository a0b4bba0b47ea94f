package variantset

import (
	"testing"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// FuzzTemplate compiles any expression in every place a template takes one
// and evaluates it over a target whose name and annotation are fuzzed too:
// no expression and no object may panic the controller, and an expression
// either compiles or is refused with the field it is in.
func FuzzTemplate(f *testing.F) {
	for _, seed := range [][3]string{
		{`repoDefault`, "site-a", "v"},
		{`target.name + "-" + packageDefault`, "site-a", "v"},
		{`target.annotations["a"].lowerAscii()`, "X", "MiXeD"},
		{`has(target.labels.site) ? target.labels.site : "none"`, "n", ""},
		{`target.name.split("-")[1]`, "a", ""},
		{`string(size(target.name))`, "\xff\xfe", ""},
		{`target.name.substring(5)`, "ab", ""},
		{`"a" +`, "", ""},
		{`[1,2,3].map(x, [1,2,3].map(y, x + y)).size()`, "", ""},
		{`upstream.revision`, "", ""},
		{`target.annotations["a"].replace("a", "aaaa").replace("a", "aaaa").replace("a", "aaaa")`, "", "aaaaaaaaaaaaaaaa"},
		{`dyn(1)`, "", ""},
		{`target.name.matches("(a+)+$")`, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", ""},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, source, name, annotation string) {
		s := &source
		tmpl, errs := Compile(&configv1alpha1.PackageVariantTemplate{
			Downstream:  &configv1alpha1.DownstreamTemplate{RepoExpr: s, PackageExpr: s},
			LabelExprs:  []configv1alpha1.MapExpr{{KeyExpr: s, ValueExpr: s}},
			Injectors:   []configv1alpha1.InjectionSelectorTemplate{{NameExpr: s}},
			Annotations: map[string]string{"plain": "value"},
		}, tmplPath)
		if len(errs) > 0 {
			for _, e := range errs {
				if e.Field == "" {
					t.Fatalf("a refusal names no field: %v", e)
				}
			}
			return
		}
		vars := testVars()
		vars.Target = map[string]any{"name": name, "annotations": map[string]any{"a": annotation}, "labels": map[string]any{"site": name}}
		_, _ = tmpl.Spec(testUpstream, vars)
	})
}
