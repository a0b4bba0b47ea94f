package builtin

import (
	"fmt"

	"sigs.k8s.io/kustomize/api/filters/labels"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// setLabels is the catalog's set-labels: it adds or replaces labels on every
// resource, and on the selectors and templates that must match them.
func setLabels(rl *framework.ResourceList) error {
	m, err := stringMapConfig(rl.FunctionConfig, "SetLabels", "labels")
	if err != nil {
		return err
	}
	rl.Items, err = labels.Filter{Labels: m, FsSlice: labelFields}.Filter(rl.Items)
	if err != nil {
		return fmt.Errorf("set-labels: %w", err)
	}
	return nil
}
