package builtin

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// stringMapConfig reads a function's string map from its functionConfig: a
// ConfigMap's data, or the field of the function's own kind, as the catalog
// documents for set-labels and set-annotations.
func stringMapConfig(fc *yaml.RNode, kind, field string) (map[string]string, error) {
	if fc == nil || fc.IsNilOrEmpty() {
		return nil, fmt.Errorf("functionConfig is missing: want a ConfigMap or a %s", kind)
	}
	switch fc.GetKind() {
	case "ConfigMap":
		return fc.GetDataMap(), nil
	case kind:
		m := map[string]string{}
		node, err := fc.Pipe(yaml.Lookup(field))
		if err != nil || node == nil {
			return m, err
		}
		if err := node.VisitFields(func(n *yaml.MapNode) error {
			m[n.Key.YNode().Value] = n.Value.YNode().Value
			return nil
		}); err != nil {
			return nil, err
		}
		return m, nil
	default:
		return nil, fmt.Errorf("functionConfig of kind %q is not supported: want a ConfigMap or a %s", fc.GetKind(), kind)
	}
}
