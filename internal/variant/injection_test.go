package variant

import (
	"slices"
	"strings"
	"testing"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

func TestInjectionPoints(t *testing.T) {
	files := cad.Package{
		cad.KptfileName: exampleKptfile,
		// Several documents: one that is no point, and one that is not a
		// resource at all, between two points.
		"b.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
---
apiVersion: example.com/v1
kind: Database
metadata:
  name: db
  annotations:
    kpt.dev/config-injection: optional
spec:
  size: 1
---
- a bare list
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  annotations:
    kpt.dev/config-injection: required
`,
		"a.yml":         strings.Replace(exampleSettings, "name: settings", "name: first", 1),
		"sub/c.yaml":    exampleSettings,
		"README.md":     "kpt.dev/config-injection: required\n",
		"sub/Kptfile":   exampleKptfile,
		"empty.yaml":    "",
		"comments.yaml": "# nothing\n",
	}
	got, err := InjectionPoints(files)
	if err != nil {
		t.Fatal(err)
	}
	want := []InjectionPoint{
		{File: "a.yml", APIVersion: "v1", Kind: "ConfigMap", Name: "first", Required: true},
		{File: "b.yaml", APIVersion: "example.com/v1", Kind: "Database", Name: "db"},
		{File: "b.yaml", APIVersion: "v1", Kind: "ConfigMap", Name: "cfg", Required: true},
		{File: "sub/c.yaml", APIVersion: "v1", Kind: "ConfigMap", Name: "settings", Required: true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("want\n%v\ngot\n%v", want, got)
	}
}

func TestInjectionPointsErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string
	}{
		{name: "invalid annotation value", content: strings.Replace(exampleSettings, "config-injection: required", "config-injection: \"yes\"", 1),
			want: []string{"settings.yaml", `ConfigMap "settings"`, `must be "required" or "optional", not "yes"`}},
		{name: "empty annotation value", content: "apiVersion: v1\nkind: ConfigMap\n---\n" + strings.Replace(exampleSettings, "config-injection: required", "config-injection: ''", 1),
			want: []string{"settings.yaml", `not ""`}},
		{name: "not YAML", content: "a: [\n", want: []string{"settings.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := InjectionPoints(cad.Package{"settings.yaml": tc.content})
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("want %q in %q", w, err)
				}
			}
		})
	}
}

func TestSelects(t *testing.T) {
	cm := InjectionPoint{APIVersion: "v1", Kind: "ConfigMap", Name: "settings"}
	db := InjectionPoint{APIVersion: "example.com/v1beta1", Kind: "Database", Name: "db"}
	tests := []struct {
		name     string
		point    InjectionPoint
		selector configv1alpha1.InjectionSelector
		want     bool
	}{
		{name: "name only", point: cm, selector: configv1alpha1.InjectionSelector{Name: "x"}, want: true},
		{name: "core group", point: cm, selector: configv1alpha1.InjectionSelector{Group: ptr(""), Version: ptr("v1"), Kind: ptr("ConfigMap")}, want: true},
		{name: "core group does not match a named one", point: cm, selector: configv1alpha1.InjectionSelector{Group: ptr("example.com")}},
		{name: "other kind", point: cm, selector: configv1alpha1.InjectionSelector{Kind: ptr("Secret")}},
		{name: "group and kind", point: db, selector: configv1alpha1.InjectionSelector{Group: ptr("example.com"), Kind: ptr("Database")}, want: true},
		{name: "named group does not match the core one", point: db, selector: configv1alpha1.InjectionSelector{Group: ptr("")}},
		{name: "other version", point: db, selector: configv1alpha1.InjectionSelector{Version: ptr("v1")}},
		{name: "version", point: db, selector: configv1alpha1.InjectionSelector{Version: ptr("v1beta1")}, want: true},
		{name: "kind is case sensitive", point: db, selector: configv1alpha1.InjectionSelector{Kind: ptr("database")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.point.Selects(tc.selector); got != tc.want {
				t.Fatalf("want %v, got %v", tc.want, got)
			}
		})
	}
}
