package variant

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// injectedObjects pairs each point of the package with the object that
// fills it, if any. An injection for a point the package does not have, or
// a second one for the same point, is an error: the caller found its
// points in other files.
func injectedObjects(points []InjectionPoint, injections []Injection) (map[InjectionPoint]*unstructured.Unstructured, error) {
	objects := make(map[InjectionPoint]*unstructured.Unstructured, len(points))
	for _, p := range points {
		objects[p] = nil
	}
	seen := make(map[InjectionPoint]bool, len(injections))
	for _, in := range injections {
		if _, ok := objects[in.Point]; !ok {
			return nil, fmt.Errorf("%s: %s %q is not an injection point of the package", in.Point.File, in.Point.Kind, in.Point.Name)
		}
		if seen[in.Point] {
			return nil, fmt.Errorf("%s: %s %q is injected twice", in.Point.File, in.Point.Kind, in.Point.Name)
		}
		seen[in.Point] = true
		objects[in.Point] = in.Object
	}
	return objects, nil
}

// injectObjects fills every point that has an object. A point without one
// keeps what it holds: its condition says that nothing was selected.
func injectObjects(files cad.Package, points []InjectionPoint, objects map[InjectionPoint]*unstructured.Unstructured) error {
	byFile := map[string][]InjectionPoint{}
	var order []string
	for _, p := range points {
		if objects[p] == nil {
			continue
		}
		if _, ok := byFile[p.File]; !ok {
			order = append(order, p.File)
		}
		byFile[p.File] = append(byFile[p.File], p)
	}
	for _, name := range order {
		if err := injectFile(files, name, byFile[name], objects); err != nil {
			return err
		}
	}
	return nil
}

func injectFile(files cad.Package, name string, points []InjectionPoint, objects map[InjectionPoint]*unstructured.Unstructured) error {
	nodes, err := readDocuments(name, files[name])
	if err != nil {
		return err
	}
	changed := false
	for _, p := range points {
		for _, node := range nodes {
			if !p.is(node) {
				continue
			}
			c, err := inject(node, p.Kind, objects[p])
			if err != nil {
				return fmt.Errorf("%s: %s %q: %w", name, p.Kind, p.Name, err)
			}
			changed = changed || c
			break
		}
	}
	if !changed {
		return nil
	}
	out, err := writeDocuments(name, nodes)
	if err != nil {
		return err
	}
	files[name] = out
	return nil
}

// inject replaces a resource's data with the object's: a ConfigMap's data,
// any other kind's spec. What the object lacks, the resource loses.
func inject(node *yaml.RNode, kind string, obj *unstructured.Unstructured) (bool, error) {
	field := "spec"
	if kind == "ConfigMap" {
		field = "data"
	}
	var changed bool
	value, found, err := unstructured.NestedFieldNoCopy(obj.Object, field)
	if err != nil {
		return false, err
	}
	if found && value != nil {
		n, err := toNode(value)
		if err != nil {
			return false, err
		}
		if changed, err = setField(node, n, field); err != nil {
			return false, err
		}
	} else if changed, err = clearField(node, field); err != nil {
		return false, err
	}
	// Set as the other annotations of the file are written, unquoted.
	annotations, err := mapping(node, yaml.MetadataField, yaml.AnnotationsField)
	if err != nil {
		return false, err
	}
	set, err := setString(annotations, InjectedResourceAnnotation, obj.GetName())
	return changed || set, err
}
