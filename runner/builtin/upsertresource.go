package builtin

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// targetPathAnnotation, on a resource to upsert, names the file it goes to
// and limits replacement to resources of that file.
const targetPathAnnotation = "config.kubernetes.io/target-path"

// upsertResource is the catalog's upsert-resource: the functionConfig is a
// resource, or a List of them, each replacing the package's resources of the
// same group, kind, namespace and name, or added when there is none.
func upsertResource(rl *framework.ResourceList) error {
	if rl.FunctionConfig == nil || rl.FunctionConfig.IsNilOrEmpty() {
		return fmt.Errorf("upsert-resource: functionConfig must be the resource to upsert, or a List of them")
	}
	resources := []*yaml.RNode{rl.FunctionConfig}
	if rl.FunctionConfig.GetKind() == "List" {
		elements, err := rl.FunctionConfig.Pipe(yaml.Lookup("items"))
		if err != nil {
			return fmt.Errorf("upsert-resource: %w", err)
		}
		resources = nil
		if elements != nil {
			resources, _ = elements.Elements()
		}
	}
	for _, r := range resources {
		if err := upsert(rl, r); err != nil {
			return fmt.Errorf("upsert-resource: %w", err)
		}
	}
	return nil
}

func upsert(rl *framework.ResourceList, r *yaml.RNode) error {
	target := r.GetAnnotations()[targetPathAnnotation]
	replaced := false
	for i, item := range rl.Items {
		if !sameResource(r, item) || target != "" && target != item.GetAnnotations()[kioutil.PathAnnotation] {
			continue
		}
		// The replacement takes the place, in file and order, of the old.
		c := r.Copy()
		if err := setFileAnnotations(c, item.GetAnnotations()); err != nil {
			return err
		}
		rl.Items[i], replaced = c, true
	}
	if replaced {
		return nil
	}
	c := r.Copy()
	// A new resource goes to the target file, or to one the orchestrator
	// names after it.
	files := map[string]string{}
	if target != "" {
		files[kioutil.PathAnnotation] = target
	}
	if err := setFileAnnotations(c, files); err != nil {
		return err
	}
	rl.Items = append(rl.Items, c)
	return nil
}

// setFileAnnotations replaces r's path and index annotations, and drops the
// target-path one, which is only an instruction to this function.
func setFileAnnotations(r *yaml.RNode, from map[string]string) error {
	a := r.GetAnnotations()
	for _, k := range []string{targetPathAnnotation, kioutil.PathAnnotation, kioutil.IndexAnnotation,
		kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation} {
		delete(a, k)
	}
	for _, k := range []string{kioutil.PathAnnotation, kioutil.IndexAnnotation, kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation} {
		if v, ok := from[k]; ok {
			a[k] = v
		}
	}
	return r.SetAnnotations(a)
}

func sameResource(a, b *yaml.RNode) bool {
	return group(a.GetApiVersion()) == group(b.GetApiVersion()) && a.GetKind() == b.GetKind() &&
		a.GetNamespace() == b.GetNamespace() && a.GetName() == b.GetName()
}

func group(apiVersion string) string {
	g, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return ""
	}
	return g
}
