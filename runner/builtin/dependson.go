package builtin

import (
	"strings"

	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// dependsOnAnnotation lists, comma separated, the resources to apply
// before this one: <group>/namespaces/<namespace>/<kind>/<name> or, cluster
// scoped, <group>/<kind>/<name>.
const dependsOnAnnotation = "config.kubernetes.io/depends-on"

// followRenames points r's depends-on annotation at the new names of the
// renamed resources it names. It is done on every resource, renamed or not,
// and only for resources this run renamed, so that the annotation and the
// name never part.
func followRenames(r *resource.Resource, renamed []renaming) error {
	value, ok := r.GetAnnotations()[dependsOnAnnotation]
	if !ok || len(renamed) == 0 {
		return nil
	}
	refs := strings.Split(value, ",")
	changed := false
	for i, ref := range refs {
		if to, ok := renamedTo(strings.TrimSpace(ref), renamed); ok {
			refs[i], changed = to, true
		}
	}
	if !changed {
		return nil
	}
	return r.PipeE(yaml.SetAnnotation(dependsOnAnnotation, strings.Join(refs, ",")))
}

// renamedTo is ref with the new name of the resource it names, if this run
// renamed it. A resource without a namespace matches any.
func renamedTo(ref string, renamed []renaming) (string, bool) {
	parts := strings.Split(ref, "/")
	var group, namespace, kind, name string
	switch {
	case len(parts) == 3:
		group, kind, name = parts[0], parts[1], parts[2]
	case len(parts) == 5 && parts[1] == "namespaces":
		group, namespace, kind, name = parts[0], parts[2], parts[3], parts[4]
	default:
		return "", false
	}
	for _, n := range renamed {
		if n.group == group && n.kind == kind && n.from == name &&
			(n.namespace == "" || namespace == "" || n.namespace == namespace) {
			parts[len(parts)-1] = n.to
			return strings.Join(parts, "/"), true
		}
	}
	return "", false
}
