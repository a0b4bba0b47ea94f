package variant

import (
	"strings"
	"testing"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// commentedContext has what setting keys must keep: comments, a field
// besides data, and another document in the file.
const commentedContext = `# the package context
apiVersion: v1
kind: ConfigMap
metadata:
  name: kptfile.kpt.dev
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  name: app # set on clone
  region: us # was here
  zone: a
immutable: false
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
data:
  region: us
`

func TestSetPackageContext(t *testing.T) {
	tests := []struct {
		name    string
		content string
		pc      *configv1alpha1.PackageContext
		want    string
	}{
		{name: "set and remove", content: commentedContext,
			pc: &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu", "tier": "1", "debug": "true"}, RemoveKeys: []string{"zone", "absent"}},
			want: `# the package context
apiVersion: v1
kind: ConfigMap
metadata:
  name: kptfile.kpt.dev
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  name: app # set on clone
  region: eu # was here
  debug: "true"
  tier: "1"
immutable: false
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
data:
  region: us
`},
		{name: "values already set", content: commentedContext,
			pc: &configv1alpha1.PackageContext{Data: map[string]string{"region": "us"}, RemoveKeys: []string{"absent"}}, want: commentedContext},
		{name: "nothing asked", content: commentedContext, pc: &configv1alpha1.PackageContext{}, want: commentedContext},
		{name: "no data yet", content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\n",
			pc:   &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu"}},
			want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\ndata:\n  region: eu\n"},
		{name: "empty data in flow style", content: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\ndata: {}\n",
			pc:   &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu"}},
			want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\ndata:\n  region: eu\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := cad.Package{cad.PackageContextName: tc.content}
			if err := setPackageContext(files, tc.pc); err != nil {
				t.Fatal(err)
			}
			if got := files[cad.PackageContextName]; got != tc.want {
				t.Fatalf("want:\n%s\ngot:\n%s", tc.want, got)
			}
		})
	}
}

func TestSetPackageContextErrors(t *testing.T) {
	set := &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu"}}
	remove := &configv1alpha1.PackageContext{RemoveKeys: []string{"region"}}
	tests := []struct {
		name  string
		files cad.Package
		pc    *configv1alpha1.PackageContext
		want  string
	}{
		{name: "no file to set in", files: cad.Package{}, pc: set, want: "spec.packageContext: the package has no package-context.yaml"},
		{name: "no file to remove from", files: cad.Package{}, pc: remove, want: "spec.packageContext: the package has no package-context.yaml"},
		{name: "no context ConfigMap", files: cad.Package{cad.PackageContextName: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n"},
			pc: set, want: "spec.packageContext: package-context.yaml holds no ConfigMap named kptfile.kpt.dev"},
		{name: "not YAML", files: cad.Package{cad.PackageContextName: "a: [\n"}, pc: set, want: "spec.packageContext: package-context.yaml: "},
		{name: "data not a mapping", files: cad.Package{cad.PackageContextName: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\ndata: [a]\n"},
			pc: set, want: "spec.packageContext: package-context.yaml: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := setPackageContext(tc.files, tc.pc)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("want an error starting %q, got %v", tc.want, err)
			}
		})
	}
	// Asking for nothing needs no file.
	if err := setPackageContext(cad.Package{}, &configv1alpha1.PackageContext{}); err != nil {
		t.Fatalf("want no error when nothing is asked, got %v", err)
	}
}
