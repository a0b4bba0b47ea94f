package builtin

import (
	"fmt"

	"sigs.k8s.io/kustomize/api/filters/annotations"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// setAnnotations is the catalog's set-annotations: it adds or replaces
// annotations on every resource and on the pod templates of workloads.
func setAnnotations(rl *framework.ResourceList) error {
	m, err := stringMapConfig(rl.FunctionConfig, "SetAnnotations", "annotations")
	if err != nil {
		return err
	}
	rl.Items, err = annotations.Filter{Annotations: m, FsSlice: annotationFields}.Filter(rl.Items)
	if err != nil {
		return fmt.Errorf("set-annotations: %w", err)
	}
	return nil
}
