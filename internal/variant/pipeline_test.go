package variant

import (
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// mixedKptfile holds functions of this PackageVariant (pv), of another one,
// of one named pv.b (whose functions start with "PackageVariant.pv.", too)
// and of the package author, with comments.
const mixedKptfile = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
pipeline:
  mutators: # the pipeline
  - image: set-labels:v0
    name: PackageVariant.pv.labels.0
  - image: set-namespace:v1 # the author's
    configMap:
      namespace: prod
  - image: set-annotations:v1
    name: PackageVariant.other.annotate.0
  - image: x:v1
    name: PackageVariant.pv.b.fn.0
  - image: y:v1
    name: PackageVariant.pv.old.3
  validators:
  - image: kubeval:v0
    name: PackageVariant.pv.kubeval.0
`

const ownOnlyKptfile = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
pipeline:
  mutators:
  - image: set-labels:v0
    name: PackageVariant.pv.labels.0
info:
  description: app
`

// widePipelineKptfile has this PackageVariant's functions in place, in
// another layout than the one Mutate writes.
const widePipelineKptfile = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
pipeline:
  mutators:
    # ours
    - image: set-labels:v1
      name: PackageVariant.pv.labels.0
    - image: set-namespace:v1
  validators:
    - name: PackageVariant.pv.check.0
      exec: ./check
`

const bareKptfile = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
`

func TestSetPipeline(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		pipeline *kptfilev1.Pipeline
		want     string
	}{
		{name: "prepended to the author's", content: exampleKptfile,
			pipeline: &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{
				{Name: "labels", Image: "set-labels:v1", ConfigMap: map[string]string{"tier": "web"}}, fn("annotate", "set-annotations:v1")}},
			want: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: app
pipeline:
  mutators:
  - image: set-labels:v1
    configMap:
      tier: web
    name: PackageVariant.pv.labels.0
  - image: set-annotations:v1
    name: PackageVariant.pv.annotate.1
  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1
    configMap:
      namespace: prod
`},
		{name: "own functions replaced, others kept", content: mixedKptfile,
			pipeline: &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("labels", "set-labels:v1")}},
			want: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
pipeline:
  mutators: # the pipeline
  - image: set-labels:v1
    name: PackageVariant.pv.labels.0
  - image: set-namespace:v1 # the author's
    configMap:
      namespace: prod
  - image: set-annotations:v1
    name: PackageVariant.other.annotate.0
  - image: x:v1
    name: PackageVariant.pv.b.fn.0
`},
		{name: "no pipeline in the spec removes own functions", content: mixedKptfile,
			want: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
pipeline:
  mutators: # the pipeline
  - image: set-namespace:v1 # the author's
    configMap:
      namespace: prod
  - image: set-annotations:v1
    name: PackageVariant.other.annotate.0
  - image: x:v1
    name: PackageVariant.pv.b.fn.0
`},
		{name: "a pipeline emptied goes", content: ownOnlyKptfile, pipeline: &kptfilev1.Pipeline{},
			want: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\ninfo:\n  description: app\n"},
		{name: "validators into a Kptfile without pipeline", content: bareKptfile,
			pipeline: &kptfilev1.Pipeline{Validators: []kptfilev1.Function{{Name: "check", Exec: "./check"}}},
			want:     bareKptfile + "pipeline:\n  validators:\n  - exec: ./check\n    name: PackageVariant.pv.check.0\n"},
		{name: "nothing to do", content: exampleKptfile, want: exampleKptfile},
		{name: "nothing to do in a Kptfile without pipeline", content: bareKptfile, want: bareKptfile},
		{name: "functions already in place keep the file's layout", content: widePipelineKptfile,
			pipeline: &kptfilev1.Pipeline{
				Mutators:   []kptfilev1.Function{fn("labels", "set-labels:v1")},
				Validators: []kptfilev1.Function{{Name: "check", Exec: "./check"}}},
			want: widePipelineKptfile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := cad.Package{cad.KptfileName: tc.content}
			if err := setPipeline(files, "pv", tc.pipeline); err != nil {
				t.Fatal(err)
			}
			if got := files[cad.KptfileName]; got != tc.want {
				t.Fatalf("want:\n%s\ngot:\n%s", tc.want, got)
			}
			if _, err := kptfile.Read(files[cad.KptfileName]); err != nil {
				t.Fatalf("the result is not a valid Kptfile: %v", err)
			}
		})
	}
}

func TestSetPipelineErrors(t *testing.T) {
	add := &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{fn("labels", "set-labels:v1")}}
	if err := setPipeline(cad.Package{}, "pv", add); err == nil || !strings.HasPrefix(err.Error(), "spec.pipeline: the package has no Kptfile") {
		t.Fatalf("want an error for a missing Kptfile, got %v", err)
	}
	if err := setPipeline(cad.Package{}, "pv", nil); err != nil {
		t.Fatalf("want nothing to remove from a missing Kptfile, got %v", err)
	}
	notList := cad.Package{cad.KptfileName: bareKptfile + "pipeline:\n  mutators: x\n"}
	if err := setPipeline(notList, "pv", add); err == nil || !strings.Contains(err.Error(), "Kptfile: pipeline.mutators") {
		t.Fatalf("want an error naming pipeline.mutators, got %v", err)
	}
}

func TestOwnFunction(t *testing.T) {
	tests := []struct {
		pv, name string
		want     bool
	}{
		{pv: "pv", name: "PackageVariant.pv.labels.0", want: true},
		{pv: "pv", name: "PackageVariant.pv.labels.12", want: true},
		{pv: "pv", name: "PackageVariant.other.labels.0"},
		{pv: "pv", name: "PackageVariant.pv2.labels.0"},
		{pv: "pv", name: "PackageVariant.pv.b.labels.0"},
		{pv: "pv.b", name: "PackageVariant.pv.b.labels.0", want: true},
		{pv: "pv.b", name: "PackageVariant.pv.b.0"},
		{pv: "pv", name: "PackageVariant.pv.labels"},
		{pv: "pv", name: "PackageVariant.pv.labels.x"},
		{pv: "pv", name: "PackageVariant.pv..0"},
		{pv: "pv", name: "labels"},
		{pv: "pv", name: ""},
	}
	for _, tc := range tests {
		if got := ownFunction(tc.pv, tc.name); got != tc.want {
			t.Errorf("ownFunction(%q, %q): want %v, got %v", tc.pv, tc.name, tc.want, got)
		}
	}
}
