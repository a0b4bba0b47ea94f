package variantset

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

var testUpstream = &configv1alpha1.Upstream{Repo: "catalog", Package: "base/app", Revision: 3}

// testVars is one target as the controller would see it: a selected object
// with labels, and a Repository whose name is nested under metadata.
func testVars() Vars {
	return Vars{
		RepoDefault:    "edge",
		PackageDefault: "app",
		Upstream:       map[string]any{"repo": "catalog", "package": "base/app", "revision": 3},
		Target: map[string]any{
			"name":   "site-a",
			"count":  2,
			"labels": map[string]any{"site": "north"},
		},
		Repository: map[string]any{"metadata": map[string]any{"name": "edge-1"}},
	}
}

// spec builds the expected spec around the parts a case cares about.
func spec(repo, pkg string, edit func(*configv1alpha1.PackageVariantSpec)) configv1alpha1.PackageVariantSpec {
	s := configv1alpha1.PackageVariantSpec{
		Upstream:   testUpstream.DeepCopy(),
		Downstream: &configv1alpha1.Downstream{Repo: repo, Package: pkg},
	}
	if edit != nil {
		edit(&s)
	}
	return s
}

func TestSpec(t *testing.T) {
	noLabels := testVars()
	noLabels.Target = map[string]any{"name": "site-b"}
	tests := []struct {
		name string
		tmpl *configv1alpha1.PackageVariantTemplate
		vars Vars
		want configv1alpha1.PackageVariantSpec
	}{
		{name: "nil template gives defaults", want: spec("edge", "app", nil)},
		{name: "empty template gives defaults", tmpl: &configv1alpha1.PackageVariantTemplate{
			Downstream:     &configv1alpha1.DownstreamTemplate{},
			Labels:         map[string]string{},
			PackageContext: &configv1alpha1.PackageContextTemplate{Data: map[string]string{}},
			Pipeline:       &configv1alpha1.PipelineTemplate{},
		}, want: spec("edge", "app", nil)},
		{name: "empty variables", vars: Vars{RepoDefault: "r", PackageDefault: "p"},
			tmpl: &configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{
				{Key: ptr("site"), ValueExpr: ptr(`has(target.labels) ? target.labels.site : "none"`)},
				{Key: ptr("count"), ValueExpr: ptr(`string(size(upstream) + size(repository))`)},
			}},
			want: spec("r", "p", func(s *configv1alpha1.PackageVariantSpec) {
				s.Labels = map[string]string{"site": "none", "count": "0"}
			})},
		{name: "literal downstream",
			tmpl: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{Repo: ptr("r"), Package: ptr("p")}},
			want: spec("r", "p", nil)},
		{name: "downstream expressions",
			tmpl: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{
				RepoExpr:    ptr(`repoDefault + "-x"`),
				PackageExpr: ptr(`packageDefault + "-" + target.name`),
			}},
			want: spec("edge-x", "app-site-a", nil)},
		{name: "only package set",
			tmpl: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{
				PackageExpr: ptr(`upstream.package.replace("/", "-")`),
			}},
			want: spec("edge", "base-app", nil)},
		{name: "policies",
			tmpl: &configv1alpha1.PackageVariantTemplate{
				AdoptionPolicy: ptr(configv1alpha1.AdoptionPolicyAdoptExisting),
				DeletionPolicy: ptr(configv1alpha1.DeletionPolicyOrphan),
			},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.AdoptionPolicy = configv1alpha1.AdoptionPolicyAdoptExisting
				s.DeletionPolicy = configv1alpha1.DeletionPolicyOrphan
			})},
		{name: "labels: expressions win, later over earlier",
			tmpl: &configv1alpha1.PackageVariantTemplate{
				Labels: map[string]string{"team": "a", "site": "plain"},
				LabelExprs: []configv1alpha1.MapExpr{
					{Key: ptr("site"), ValueExpr: ptr(`has(target.labels) ? target.labels.site : "none"`)},
					{KeyExpr: ptr(`"repo-" + repository.metadata.name`), Value: ptr("yes")},
					{Key: ptr("team"), Value: ptr("b")},
					{Key: ptr("team"), ValueExpr: ptr(`"c"`)},
				},
			},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.Labels = map[string]string{"team": "c", "site": "north", "repo-edge-1": "yes"}
			})},
		{name: "has() on a target without labels", vars: noLabels,
			tmpl: &configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{
				{Key: ptr("site"), ValueExpr: ptr(`has(target.labels) ? target.labels.site : "none"`)},
			}},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.Labels = map[string]string{"site": "none"}
			})},
		{name: "annotations",
			tmpl: &configv1alpha1.PackageVariantTemplate{
				Annotations: map[string]string{"owner": "ops"},
				AnnotationExprs: []configv1alpha1.MapExpr{
					{Key: ptr("from"), ValueExpr: ptr(`upstream.repo + "/" + upstream.package`)},
					{KeyExpr: ptr(`target.name`), ValueExpr: ptr(`repoDefault`)},
				},
			},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.Annotations = map[string]string{"owner": "ops", "from": "catalog/base/app", "site-a": "edge"}
			})},
		{name: "package context",
			tmpl: &configv1alpha1.PackageVariantTemplate{PackageContext: &configv1alpha1.PackageContextTemplate{
				Data:           map[string]string{"region": "eu", "zone": "a"},
				DataExprs:      []configv1alpha1.MapExpr{{Key: ptr("zone"), ValueExpr: ptr(`target.labels.site`)}},
				RemoveKeys:     []string{"old"},
				RemoveKeyExprs: []string{`"tmp-" + packageDefault`},
			}},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.PackageContext = &configv1alpha1.PackageContext{
					Data:       map[string]string{"region": "eu", "zone": "north"},
					RemoveKeys: []string{"old", "tmp-app"},
				}
			})},
		{name: "package context with only removals",
			tmpl: &configv1alpha1.PackageVariantTemplate{PackageContext: &configv1alpha1.PackageContextTemplate{
				RemoveKeyExprs: []string{`target.name`},
			}},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.PackageContext = &configv1alpha1.PackageContext{RemoveKeys: []string{"site-a"}}
			})},
		{name: "pipeline",
			tmpl: &configv1alpha1.PackageVariantTemplate{Pipeline: &configv1alpha1.PipelineTemplate{
				Validators: []configv1alpha1.FunctionTemplate{{Function: kptfilev1.Function{Image: "check-schema", Tag: "v0.1"}}},
				Mutators: []configv1alpha1.FunctionTemplate{
					{
						Function: kptfilev1.Function{
							Name: "labels", Image: "add-labels",
							ConfigMap: map[string]string{"site": "plain", "tier": "1"},
							Selectors: []kptfilev1.Selector{{Kind: "Deployment"}},
						},
						ConfigMapExprs: []configv1alpha1.MapExpr{
							{Key: ptr("site"), ValueExpr: ptr(`target.labels.site`)},
							{KeyExpr: ptr(`repository.metadata.name`), Value: ptr("on")},
						},
					},
					{
						Function:       kptfilev1.Function{Image: "add-namespace"},
						ConfigMapExprs: []configv1alpha1.MapExpr{{Key: ptr("namespace"), ValueExpr: ptr(`target.name`)}},
					},
				},
			}},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.Pipeline = &kptfilev1.Pipeline{
					Validators: []kptfilev1.Function{{Image: "check-schema", Tag: "v0.1"}},
					Mutators: []kptfilev1.Function{
						{
							Name: "labels", Image: "add-labels",
							ConfigMap: map[string]string{"site": "north", "tier": "1", "edge-1": "on"},
							Selectors: []kptfilev1.Selector{{Kind: "Deployment"}},
						},
						{Image: "add-namespace", ConfigMap: map[string]string{"namespace": "site-a"}},
					},
				}
			})},
		{name: "injectors",
			tmpl: &configv1alpha1.PackageVariantTemplate{Injectors: []configv1alpha1.InjectionSelectorTemplate{
				{Group: ptr("infra.example.com"), Version: ptr("v1"), Kind: ptr("Cluster"), Name: ptr("fixed")},
				{Kind: ptr("ConfigMap"), NameExpr: ptr(`target.name + "-config"`)},
			}},
			want: spec("edge", "app", func(s *configv1alpha1.PackageVariantSpec) {
				s.Injectors = []configv1alpha1.InjectionSelector{
					{Group: ptr("infra.example.com"), Version: ptr("v1"), Kind: ptr("Cluster"), Name: "fixed"},
					{Kind: ptr("ConfigMap"), Name: "site-a-config"},
				}
			})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := tt.vars
			if vars.RepoDefault == "" {
				vars = testVars()
			}
			tmpl, errs := Compile(tt.tmpl, tmplPath)
			if len(errs) > 0 {
				t.Fatalf("Compile: %v", errs)
			}
			got, err := tmpl.Spec(testUpstream, vars)
			if err != nil {
				t.Fatalf("Spec: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", toJSON(t, got), toJSON(t, tt.want))
			}
		})
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		name string
		tmpl *configv1alpha1.PackageVariantTemplate
		want string
	}{
		{name: "int at runtime",
			tmpl: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{PackageExpr: ptr("target.count")}},
			want: `spec.targets[0].template.downstream.packageExpr: "target.count" gives int, not a string`},
		{name: "map at runtime",
			tmpl: &configv1alpha1.PackageVariantTemplate{Injectors: []configv1alpha1.InjectionSelectorTemplate{{NameExpr: ptr("target.labels")}}},
			want: `spec.targets[0].template.injectors[0].nameExpr: "target.labels" gives map, not a string`},
		{name: "missing key",
			tmpl: &configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{{Key: ptr("a"), ValueExpr: ptr("target.missing")}}},
			want: `spec.targets[0].template.labelExprs[0].valueExpr: "target.missing": no such key: missing`},
		{name: "remove key",
			tmpl: &configv1alpha1.PackageVariantTemplate{PackageContext: &configv1alpha1.PackageContextTemplate{RemoveKeyExprs: []string{`"ok"`, "upstream.revision"}}},
			want: `spec.targets[0].template.packageContext.removeKeyExprs[1]: "upstream.revision" gives int, not a string`},
		{name: "configMap key",
			tmpl: &configv1alpha1.PackageVariantTemplate{Pipeline: &configv1alpha1.PipelineTemplate{Mutators: []configv1alpha1.FunctionTemplate{{
				ConfigMapExprs: []configv1alpha1.MapExpr{{KeyExpr: ptr("target.count"), Value: ptr("v")}},
			}}}},
			want: `spec.targets[0].template.pipeline.mutators[0].configMapExprs[0].keyExpr: "target.count" gives int, not a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, errs := Compile(tt.tmpl, tmplPath)
			if len(errs) > 0 {
				t.Fatalf("Compile: %v", errs)
			}
			got, err := tmpl.Spec(testUpstream, testVars())
			if err == nil {
				t.Fatalf("Spec gave %s, want an error", toJSON(t, got))
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("got error %q, want %q", err, tt.want)
			}
		})
	}
}

// TestSpecDeterministic guards the controller's change check: the same
// inputs must give an equal spec every time, and neither the caller's
// template nor a returned spec may reach into the next result.
func TestSpecDeterministic(t *testing.T) {
	src := &configv1alpha1.PackageVariantTemplate{
		Labels:     map[string]string{"a": "1", "b": "2", "c": "3"},
		LabelExprs: []configv1alpha1.MapExpr{{Key: ptr("a"), ValueExpr: ptr(`target.name`)}, {KeyExpr: ptr(`"d"`), Value: ptr("4")}},
		PackageContext: &configv1alpha1.PackageContextTemplate{
			Data: map[string]string{"x": "1"}, RemoveKeys: []string{"y", "z"}, RemoveKeyExprs: []string{`packageDefault`},
		},
		Pipeline: &configv1alpha1.PipelineTemplate{Mutators: []configv1alpha1.FunctionTemplate{{
			Function:       kptfilev1.Function{Image: "f", ConfigMap: map[string]string{"k": "v"}},
			ConfigMapExprs: []configv1alpha1.MapExpr{{Key: ptr("n"), ValueExpr: ptr(`repository.metadata.name`)}},
		}}},
		Injectors: []configv1alpha1.InjectionSelectorTemplate{{Kind: ptr("ConfigMap"), NameExpr: ptr(`target.name`)}},
	}
	tmpl, errs := Compile(src, tmplPath)
	if len(errs) > 0 {
		t.Fatalf("Compile: %v", errs)
	}
	first, err := tmpl.Spec(testUpstream, testVars())
	if err != nil {
		t.Fatalf("Spec: %v", err)
	}
	want := toJSON(t, first)

	// Neither edits to the compiled-from template nor to a result may show up later.
	src.Labels["a"] = "changed"
	src.Pipeline.Mutators[0].ConfigMap["k"] = "changed"
	first.Labels["a"] = "changed"
	first.Pipeline.Mutators[0].ConfigMap["k"] = "changed"
	first.PackageContext.RemoveKeys[0] = "changed"
	*first.Injectors[0].Kind = "changed"
	first.Upstream.Package = "changed"

	for i := 0; i < 20; i++ {
		got, err := tmpl.Spec(testUpstream, testVars())
		if err != nil {
			t.Fatalf("Spec: %v", err)
		}
		if g := toJSON(t, got); g != want {
			t.Fatalf("run %d gave\n%s\nwant\n%s", i, g, want)
		}
	}
	if testUpstream.Package != "base/app" {
		t.Errorf("Spec shares the upstream with its caller")
	}
}

// toJSON renders a spec with sorted map keys, for messages and for
// comparing results byte for byte.
func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSpecCostLimit: an expression that does quadratic work over a large
// target stops with an error instead of holding the caller.
func TestSpecCostLimit(t *testing.T) {
	items := make([]any, 1500)
	for i := range items {
		items[i] = i
	}
	vars := testVars()
	vars.Target = map[string]any{"items": items}
	tmpl, errs := Compile(&configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{{
		Key: ptr("n"), ValueExpr: ptr(`string(target.items.map(x, target.items.map(y, x + y)).size())`),
	}}}, tmplPath)
	if len(errs) > 0 {
		t.Fatalf("Compile: %v", errs)
	}
	_, err := tmpl.Spec(testUpstream, vars)
	if err == nil || !strings.Contains(err.Error(), "spec.targets[0].template.labelExprs[0].valueExpr") ||
		!strings.Contains(err.Error(), "cost limit exceeded") {
		t.Errorf("got error %v, want the cost limit on labelExprs[0].valueExpr", err)
	}
}
