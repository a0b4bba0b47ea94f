package variant

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/porch-dev/porch/internal/cad"
)

// resources holds two points among other documents; the second document
// lists in the wide style, which a rewrite of the file must keep.
const resources = `# the resources
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    kpt.dev/config-injection: required
data:
  region: us # the default
  zone: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: example.com/v1
kind: Database
metadata:
  name: db
  annotations:
    kpt.dev/config-injection: optional
spec:
  size: 1
  tier: small
`

var (
	resourcesSettings = InjectionPoint{File: "resources.yaml", APIVersion: "v1", Kind: "ConfigMap", Name: "settings", Required: true}
	resourcesDB       = InjectionPoint{File: "resources.yaml", APIVersion: "example.com/v1", Kind: "Database", Name: "db"}
)

func TestInjectObjects(t *testing.T) {
	settings := object("ConfigMap", "prod-settings", map[string]any{"data": map[string]any{"region": "eu", "replicas": "3"}})
	db := object("Database", "prod-db", map[string]any{"spec": map[string]any{"size": int64(5)}, "status": map[string]any{"ready": true}})
	tests := []struct {
		name    string
		objects map[*InjectionPoint]*unstructured.Unstructured
		want    string
	}{
		{name: "data of a ConfigMap, spec of another kind", objects: map[*InjectionPoint]*unstructured.Unstructured{&resourcesSettings: settings, &resourcesDB: db},
			want: `# the resources
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    kpt.dev/config-injection: required
    kpt.dev/injected-resource: prod-settings
data:
  region: eu
  replicas: "3"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: example.com/v1
kind: Database
metadata:
  name: db
  annotations:
    kpt.dev/config-injection: optional
    kpt.dev/injected-resource: prod-db
spec:
  size: 5
`},
		{name: "what the object lacks goes", objects: map[*InjectionPoint]*unstructured.Unstructured{&resourcesDB: object("Database", "empty", nil)},
			want: `# the resources
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    kpt.dev/config-injection: required
data:
  region: us # the default
  zone: a
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: example.com/v1
kind: Database
metadata:
  name: db
  annotations:
    kpt.dev/config-injection: optional
    kpt.dev/injected-resource: empty
`},
		{name: "no object leaves the point as it is", objects: map[*InjectionPoint]*unstructured.Unstructured{&resourcesSettings: nil}, want: resources},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := cad.Package{"resources.yaml": resources}
			objects := map[InjectionPoint]*unstructured.Unstructured{}
			var points []InjectionPoint
			for p, obj := range tc.objects {
				points = append(points, *p)
				objects[*p] = obj
			}
			if err := injectObjects(files, points, objects); err != nil {
				t.Fatal(err)
			}
			if got := files["resources.yaml"]; got != tc.want {
				t.Fatalf("want:\n%s\ngot:\n%s", tc.want, got)
			}
			// Again: the data is there, the file keeps its bytes.
			if err := injectObjects(files, points, objects); err != nil {
				t.Fatal(err)
			}
			if got := files["resources.yaml"]; got != tc.want {
				t.Fatalf("a second injection changed the file:\n%s", got)
			}
		})
	}
}

func TestInjectedObjectsErrors(t *testing.T) {
	points := []InjectionPoint{resourcesSettings}
	other := resourcesSettings
	other.Required = false
	tests := []struct {
		name       string
		injections []Injection
		want       string
	}{
		{name: "unknown point", injections: []Injection{{Point: other}}, want: `resources.yaml: ConfigMap "settings" is not an injection point of the package`},
		{name: "twice", injections: []Injection{{Point: resourcesSettings}, {Point: resourcesSettings}}, want: `resources.yaml: ConfigMap "settings" is injected twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := injectedObjects(points, tc.injections); err == nil || err.Error() != tc.want {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}
