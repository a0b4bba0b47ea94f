package variant

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

const (
	// ConfigInjectionAnnotation marks a resource of a package as an injection
	// point; its value is "required" or "optional".
	ConfigInjectionAnnotation = "kpt.dev/config-injection"
	// InjectedResourceAnnotation names the in-cluster object whose data was
	// injected into a resource.
	InjectedResourceAnnotation = "kpt.dev/injected-resource"

	injectionRequired = "required"
	injectionOptional = "optional"
)

// InjectionPoint is a resource of a package that an in-cluster object of
// the same apiVersion and kind may fill.
type InjectionPoint struct {
	// File is the path of the file holding the resource.
	File string
	// APIVersion, Kind and Name are the resource's.
	APIVersion string
	Kind       string
	Name       string
	// Required points hold the package back from readiness until filled.
	Required bool
}

// Injection pairs an injection point with the in-cluster object that fills
// it.
type Injection struct {
	Point InjectionPoint
	// Object is nil when nothing in the cluster matched.
	Object *unstructured.Unstructured
}

// InjectionPoints returns the injection points of a package's resources,
// ordered by file and by position in the file, so that conditions and
// errors come out in a stable order. A resource whose injection annotation
// is neither "required" nor "optional" is an error naming it.
func InjectionPoints(files cad.Package) ([]InjectionPoint, error) {
	var points []InjectionPoint
	for _, name := range files.Paths() {
		if !isResourceFile(name) {
			continue
		}
		nodes, err := readDocuments(name, files[name])
		if err != nil {
			return nil, err
		}
		for _, node := range nodes {
			value, ok := node.GetAnnotations()[ConfigInjectionAnnotation]
			if !ok {
				continue
			}
			p := InjectionPoint{File: name, APIVersion: node.GetApiVersion(), Kind: node.GetKind(), Name: node.GetName()}
			if value != injectionRequired && value != injectionOptional {
				return nil, fmt.Errorf("%s: %s %q: annotation %s must be %q or %q, not %q",
					name, p.Kind, p.Name, ConfigInjectionAnnotation, injectionRequired, injectionOptional, value)
			}
			p.Required = value == injectionRequired
			points = append(points, p)
		}
	}
	return points, nil
}

// Selects says whether an injector may fill the point: each of its group,
// version and kind that is set matches the point's. The core group is "".
func (p InjectionPoint) Selects(s configv1alpha1.InjectionSelector) bool {
	gv, err := schema.ParseGroupVersion(p.APIVersion)
	if err != nil {
		return false
	}
	return matches(s.Group, gv.Group) && matches(s.Version, gv.Version) && matches(s.Kind, p.Kind)
}

func matches(want *string, got string) bool {
	return want == nil || *want == got
}

// is says whether a document is the point's resource.
func (p InjectionPoint) is(node *yaml.RNode) bool {
	return node.GetApiVersion() == p.APIVersion && node.GetKind() == p.Kind && node.GetName() == p.Name
}
