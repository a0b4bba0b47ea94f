package variant

import (
	"fmt"
	"sort"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// packageContextObject is the name of the ConfigMap that holds the package
// context.
const packageContextObject = "kptfile.kpt.dev"

// setPackageContext sets and removes the keys of the package context's data
// that the PackageVariant names; the rest of the file stays as it is.
func setPackageContext(files cad.Package, pc *configv1alpha1.PackageContext) error {
	if pc == nil || (len(pc.Data) == 0 && len(pc.RemoveKeys) == 0) {
		return nil
	}
	content, ok := files[cad.PackageContextName]
	if !ok {
		return fmt.Errorf("spec.packageContext: the package has no %s to set it in", cad.PackageContextName)
	}
	nodes, err := readDocuments(cad.PackageContextName, content)
	if err != nil {
		return fmt.Errorf("spec.packageContext: %w", err)
	}
	var cm *yaml.RNode
	for _, node := range nodes {
		if node.GetKind() == "ConfigMap" && node.GetName() == packageContextObject {
			cm = node
			break
		}
	}
	if cm == nil {
		return fmt.Errorf("spec.packageContext: %s holds no ConfigMap named %s", cad.PackageContextName, packageContextObject)
	}
	changed, err := setData(cm, pc)
	if err != nil || !changed {
		return wrapContext(err)
	}
	out, err := writeDocuments(cad.PackageContextName, nodes)
	if err != nil {
		return wrapContext(err)
	}
	files[cad.PackageContextName] = out
	return nil
}

// setData sets keys in sorted order, so that new keys come out in the same
// order on every run.
func setData(cm *yaml.RNode, pc *configv1alpha1.PackageContext) (bool, error) {
	changed := false
	if len(pc.Data) > 0 {
		data, err := mapping(cm, "data")
		if err != nil {
			return false, err
		}
		keys := make([]string, 0, len(pc.Data))
		for k := range pc.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			set, err := setString(data, k, pc.Data[k])
			if err != nil {
				return false, err
			}
			changed = changed || set
		}
	}
	for _, k := range pc.RemoveKeys {
		removed, err := clearField(cm, "data", k)
		if err != nil {
			return false, err
		}
		changed = changed || removed
	}
	return changed, nil
}

func wrapContext(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("spec.packageContext: %s: %w", cad.PackageContextName, err)
}
