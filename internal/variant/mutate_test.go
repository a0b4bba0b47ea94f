package variant

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// fullPV asks for every mutation of the example package.
func fullPV() (*configv1alpha1.PackageVariant, []Injection) {
	pv := examplePV()
	pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"region": "eu"}}
	pv.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{{Name: "labels", Image: "set-labels:v1", ConfigMap: map[string]string{"tier": "web"}}}}
	pv.Spec.Injectors = []configv1alpha1.InjectionSelector{{Kind: ptr("ConfigMap"), Name: "prod-settings"}}
	return pv, []Injection{{Point: settingsPoint, Object: object("ConfigMap", "prod-settings", map[string]any{"data": map[string]any{"region": "eu-west1"}})}}
}

func TestMutate(t *testing.T) {
	pv, injections := fullPV()
	got, err := Mutate(examplePackage(), pv, injections)
	if err != nil {
		t.Fatal(err)
	}
	want := cad.Package{
		cad.KptfileName: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: app
  readinessGates:
  - conditionType: config.injection.ConfigMap.settings
pipeline:
  mutators:
  - image: set-labels:v1
    configMap:
      tier: web
    name: PackageVariant.pv.labels.0
  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1
    configMap:
      namespace: prod
status:
  conditions:
  - type: config.injection.ConfigMap.settings
    status: "True"
    reason: ConfigInjected
    message: injected resource "prod-settings" from cluster
`,
		cad.PackageContextName: exampleContext + "  region: eu\n",
		"settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    kpt.dev/config-injection: required
    kpt.dev/injected-resource: prod-settings
data:
  region: eu-west1
`,
	}
	for _, name := range want.Paths() {
		if got[name] != want[name] {
			t.Errorf("%s: want:\n%s\ngot:\n%s", name, want[name], got[name])
		}
	}
	if len(got) != len(want) {
		t.Errorf("want files %v, got %v", want.Paths(), got.Paths())
	}
	// The controller reads the result as the API holds it.
	kf, err := kptfile.Read(got[cad.KptfileName])
	if err != nil {
		t.Fatal(err)
	}
	wantGates := []porchv1alpha1.ReadinessGate{{ConditionType: "config.injection.ConfigMap.settings"}}
	if gates := kptfile.ReadinessGates(kf); !slices.Equal(gates, wantGates) {
		t.Errorf("want gates %v, got %v", wantGates, gates)
	}
	if conditions := kptfile.PackageConditions(kf); len(conditions) != 1 || conditions[0].Status != "True" {
		t.Errorf("want one True condition, got %v", conditions)
	}
}

// commentedPackage is laid out otherwise than Mutate writes: wide lists,
// comments, several documents, a file that is not YAML.
func commentedPackage() cad.Package {
	return cad.Package{
		cad.KptfileName:        widePipelineKptfile,
		cad.PackageContextName: commentedContext,
		"resources.yaml":       resources,
		"README.md":            "# app\n",
	}
}

func TestMutateIsIdempotent(t *testing.T) {
	full, injections := fullPV()
	removeOnly := examplePV()
	removeOnly.Spec.PackageContext = &configv1alpha1.PackageContext{RemoveKeys: []string{"zone"}}
	tests := []struct {
		name       string
		files      cad.Package
		pv         *configv1alpha1.PackageVariant
		injections []Injection
	}{
		{name: "every mutation", files: examplePackage(), pv: full, injections: injections},
		{name: "nothing selected", files: examplePackage(), pv: full},
		{name: "own functions removed", files: commentedPackage(), pv: removeOnly},
		{name: "another layout", files: commentedPackage(), pv: full, injections: []Injection{
			{Point: resourcesSettings, Object: object("ConfigMap", "s", map[string]any{"data": map[string]any{"zone": "b"}})},
			{Point: resourcesDB}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			once, err := Mutate(tc.files, tc.pv, tc.injections)
			if err != nil {
				t.Fatal(err)
			}
			twice, err := Mutate(once, tc.pv, tc.injections)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range once.Paths() {
				if once[name] != twice[name] {
					t.Errorf("%s changed on a second run:\n%s\nthen:\n%s", name, once[name], twice[name])
				}
			}
		})
	}
}

func TestMutateNoOpKeepsBytes(t *testing.T) {
	noPoints := examplePackage()
	delete(noPoints, "settings.yaml")
	// A package whose points were recorded already, in another layout.
	recorded := cad.Package{
		cad.KptfileName: widePipelineKptfile + `info:
  readinessGates:
    - conditionType: config.injection.ConfigMap.settings
status:
  conditions:
    - message: no resource matched any injection selector for this injection point
      reason: NoResourceSelected
      status: "False"
      type: config.injection.ConfigMap.settings
`,
		"settings.yaml": exampleSettings,
	}
	ownFunctions := examplePV()
	ownFunctions.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("labels", "set-labels:v1")},
		Validators: []kptfilev1.Function{{Name: "check", Exec: "./check"}}}
	tests := []struct {
		name  string
		files cad.Package
		pv    *configv1alpha1.PackageVariant
	}{
		{name: "example without points", files: noPoints, pv: examplePV()},
		{name: "another PackageVariant's functions", files: cad.Package{cad.KptfileName: widePipelineKptfile}, pv: otherPV("other")},
		{name: "points recorded", files: recorded, pv: ownFunctions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Mutate(tc.files, tc.pv, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.files) {
				t.Fatalf("want the files unchanged, got %v", got)
			}
		})
	}
}

func otherPV(name string) *configv1alpha1.PackageVariant {
	pv := examplePV()
	pv.Name = name
	return pv
}

func TestMutateKeepsOtherPackageVariantsFunctions(t *testing.T) {
	a, b := otherPV("a"), otherPV("a.b")
	a.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("labels", "set-labels:v1")}}
	b.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("labels", "set-labels:v2")}}
	files := examplePackage()
	var err error
	for _, pv := range []*configv1alpha1.PackageVariant{a, b} {
		if files, err = Mutate(files, pv, nil); err != nil {
			t.Fatal(err)
		}
	}
	// a changes its function; b's and the author's stay, in their order.
	a.Spec.Pipeline.Mutators[0].Image = "set-labels:v3"
	if files, err = Mutate(files, a, nil); err != nil {
		t.Fatal(err)
	}
	kf, err := kptfile.Read(files[cad.KptfileName])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range kf.Pipeline.Mutators {
		got = append(got, f.Name+"="+f.Image)
	}
	want := []string{"PackageVariant.a.labels.0=set-labels:v3", "PackageVariant.a.b.labels.0=set-labels:v2",
		"=ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1"}
	if !slices.Equal(got, want) {
		t.Fatalf("want %v, got %v", want, got)
	}
}

func TestMutateLeavesInputsAlone(t *testing.T) {
	files := examplePackage()
	filesBefore := maps.Clone(files)
	pv, injections := fullPV()
	pvBefore := pv.DeepCopy()
	objectBefore := injections[0].Object.DeepCopy()
	if _, err := Mutate(files, pv, injections); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(files, filesBefore) {
		t.Errorf("the files changed: %v", files)
	}
	if !reflect.DeepEqual(pv, pvBefore) {
		t.Errorf("the PackageVariant changed: %+v", pv.Spec)
	}
	if !reflect.DeepEqual(injections[0].Object, objectBefore) {
		t.Errorf("the injected object changed: %v", injections[0].Object)
	}
}

func TestMutateErrors(t *testing.T) {
	badAnnotation := examplePackage()
	badAnnotation["settings.yaml"] = strings.Replace(exampleSettings, "required", "sometimes", 1)
	twins := examplePackage()
	twins["more/settings.yaml"] = exampleSettings
	noContext := examplePackage()
	delete(noContext, cad.PackageContextName)
	withContext := examplePV()
	withContext.Spec.PackageContext = &configv1alpha1.PackageContext{RemoveKeys: []string{"zone"}}
	forbidden := examplePV()
	forbidden.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"name": "x"}}
	dotted := examplePV()
	dotted.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("a.b", "set-labels:v1")}}
	unknown := settingsPoint
	unknown.Name = "nope"
	tests := []struct {
		name       string
		files      cad.Package
		pv         *configv1alpha1.PackageVariant
		injections []Injection
		want       string
	}{
		{name: "no PackageVariant", files: examplePackage(), want: "a named PackageVariant is required"},
		{name: "unnamed PackageVariant", files: examplePackage(), pv: otherPV(""), want: "a named PackageVariant is required"},
		{name: "system context key", files: examplePackage(), pv: forbidden, want: "spec.packageContext.data[name]: Forbidden"},
		{name: "dotted function name", files: examplePackage(), pv: dotted, want: "spec.pipeline.mutators[0].name: Invalid value"},
		{name: "no package context", files: noContext, pv: withContext, want: "spec.packageContext: "},
		{name: "invalid injection annotation", files: badAnnotation, pv: examplePV(), want: `settings.yaml: ConfigMap "settings": annotation kpt.dev/config-injection`},
		{name: "points sharing a condition", files: twins, pv: examplePV(), want: "more/settings.yaml and settings.yaml"},
		{name: "unknown injection point", files: examplePackage(), pv: examplePV(), injections: []Injection{{Point: unknown}},
			want: `settings.yaml: ConfigMap "nope" is not an injection point`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Mutate(tc.files, tc.pv, tc.injections)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("want an error starting %q, got %v", tc.want, err)
			}
		})
	}
}
