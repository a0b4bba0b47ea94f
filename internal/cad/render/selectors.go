package render

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// selected reports whether fn runs on node: kpt selects a resource that
// matches any selector (every resource when there are none) and no
// exclusion.
func selected(fn kptfilev1.Function, node *yaml.RNode) bool {
	if len(fn.Selectors) > 0 && !matchesAny(fn.Selectors, node) {
		return false
	}
	return !matchesAny(fn.Exclusions, node)
}

func matchesAny(selectors []kptfilev1.Selector, node *yaml.RNode) bool {
	for _, s := range selectors {
		if !s.IsEmpty() && matches(s, node) {
			return true
		}
	}
	return false
}

// matches reports whether node satisfies every field s sets; labels and
// annotations must all be present with the same values.
func matches(s kptfilev1.Selector, node *yaml.RNode) bool {
	if s.APIVersion != "" && s.APIVersion != node.GetApiVersion() {
		return false
	}
	if s.Kind != "" && s.Kind != node.GetKind() {
		return false
	}
	if s.Name != "" && s.Name != node.GetName() {
		return false
	}
	if s.Namespace != "" && s.Namespace != node.GetNamespace() {
		return false
	}
	return subset(s.Labels, node.GetLabels()) && subset(s.Annotations, node.GetAnnotations())
}

func subset(want, have map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// hasSelection reports whether fn narrows its input, which kpt reports in
// its progress line.
func hasSelection(fn kptfilev1.Function) bool {
	return len(fn.Selectors) > 0 || len(fn.Exclusions) > 0
}
