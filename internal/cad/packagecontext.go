package cad

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PackageContextName is the file holding the package context, a local-config
// ConfigMap that functions read to learn the package's name.
const PackageContextName = "package-context.yaml"

// packageContextTemplate is what kpt pkg init writes: the name is a
// placeholder until the package is cloned as a deployment.
const packageContextTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kptfile.kpt.dev
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  name: example
`

// packageContext returns a package context naming the package and, when
// packagePath is not empty, its path in the repository.
func packageContext(name, packagePath string) (string, error) {
	node, err := yaml.Parse(packageContextTemplate)
	if err != nil {
		return "", err
	}
	data := map[string]string{"name": name}
	if packagePath != "" {
		data["package-path"] = packagePath
	}
	for _, k := range []string{"name", "package-path"} {
		if v, ok := data[k]; ok {
			if err := node.PipeE(yaml.LookupCreate(yaml.MappingNode, "data"), yaml.SetField(k, yaml.NewStringRNode(v))); err != nil {
				return "", fmt.Errorf("%s: %w", PackageContextName, err)
			}
		}
	}
	return node.String()
}
