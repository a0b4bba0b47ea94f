package variant

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// The example package: a Kptfile with a function of the package author's,
// a package context, and a required ConfigMap injection point whose value
// carries a comment.
const (
	exampleKptfile = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: app
pipeline:
  mutators:
  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.1
    configMap:
      namespace: prod
`
	exampleContext = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kptfile.kpt.dev
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  name: app
`
	exampleSettings = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    kpt.dev/config-injection: required
data:
  region: us-east1 # the default
`
)

var settingsPoint = InjectionPoint{File: "settings.yaml", APIVersion: "v1", Kind: "ConfigMap", Name: "settings", Required: true}

func examplePackage() cad.Package {
	return cad.Package{
		cad.KptfileName:        exampleKptfile,
		cad.PackageContextName: exampleContext,
		"settings.yaml":        exampleSettings,
	}
}

// examplePV is a valid PackageVariant that asks for nothing to be changed.
func examplePV() *configv1alpha1.PackageVariant {
	return &configv1alpha1.PackageVariant{
		ObjectMeta: metav1.ObjectMeta{Name: "pv", Namespace: "default"},
		Spec: configv1alpha1.PackageVariantSpec{
			Upstream:   &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
			Downstream: &configv1alpha1.Downstream{Repo: "deployments", Package: "app-prod"},
		},
	}
}

func object(kind, name string, content map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	for k, v := range content {
		u.Object[k] = v
	}
	u.SetAPIVersion("v1")
	u.SetKind(kind)
	u.SetName(name)
	return u
}

func fn(name, image string) kptfilev1.Function {
	return kptfilev1.Function{Name: name, Image: image}
}

func ptr(s string) *string { return &s }
