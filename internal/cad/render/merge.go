package render

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// resourceIDAnnotation marks the resources a function with selectors is
// given, so that its output can be put back in place; kpt uses the same key.
const resourceIDAnnotation = "internal.config.k8s.io/kpt-resource-id"

// tagResources numbers nodes with resourceIDAnnotation.
func tagResources(nodes []*yaml.RNode) error {
	for i, n := range nodes {
		if err := n.PipeE(yaml.SetAnnotation(resourceIDAnnotation, strconv.Itoa(i))); err != nil {
			return err
		}
	}
	return nil
}

// mergeWithInput merges the output of a function that saw only selected of
// input, as kpt does: resources it was not given keep their place, those it
// returned replace their input in place, those it dropped are gone, and
// those it created come last. The marks are removed.
func mergeWithInput(output, selected, input []*yaml.RNode) ([]*yaml.RNode, error) {
	byID := map[string]*yaml.RNode{}
	var created []*yaml.RNode
	for _, n := range output {
		if id := n.GetAnnotations()[resourceIDAnnotation]; id != "" {
			byID[id] = n
		} else {
			created = append(created, n)
		}
	}
	wasSelected := map[string]bool{}
	for _, n := range selected {
		wasSelected[n.GetAnnotations()[resourceIDAnnotation]] = true
	}
	var result []*yaml.RNode
	for _, n := range input {
		id := n.GetAnnotations()[resourceIDAnnotation]
		switch {
		case !wasSelected[id]:
			result = append(result, n)
		case byID[id] != nil:
			result = append(result, byID[id])
		}
	}
	result = append(result, created...)
	return result, untagResources(result)
}

// untagResources removes the marks of tagResources.
func untagResources(nodes []*yaml.RNode) error {
	for _, n := range nodes {
		if _, err := n.Pipe(yaml.ClearAnnotation(resourceIDAnnotation)); err != nil {
			return err
		}
	}
	return nil
}
