package render

import (
	"fmt"
	"path"
	"sort"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// functionConfig builds fn's functionConfig, as kpt does: the single
// resource of the file configPath names (relative to the package in dir), or
// a ConfigMap named function-input holding configMap; nil when fn has none.
// read returns a file of the package as it is at this point of the render.
func functionConfig(read fileReader, dir string, fn kptfilev1.Function) (*yaml.RNode, error) {
	switch {
	case fn.ConfigPath != "" && len(fn.ConfigMap) > 0:
		return nil, fmt.Errorf("function %s: configPath and configMap are mutually exclusive", fnName(fn))
	case fn.ConfigPath != "":
		return configFromFile(read, dir, fn.ConfigPath)
	case len(fn.ConfigMap) > 0:
		return configMap(fn.ConfigMap)
	}
	return nil, nil
}

// fileReader returns the content of a package's file, and whether it exists.
type fileReader func(name string) (string, bool)

func configFromFile(read fileReader, dir, configPath string) (*yaml.RNode, error) {
	name := path.Join(dir, configPath)
	content, ok := read(name)
	if !ok {
		return nil, fmt.Errorf("missing function config %q", name)
	}
	nodes, err := (&kio.ByteReader{Reader: stringReader(content), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil, fmt.Errorf("function config %q: %w", name, err)
	}
	if len(nodes) != 1 {
		return nil, fmt.Errorf("function config %q must hold exactly one resource, found %d", name, len(nodes))
	}
	return nodes[0], nil
}

func configMap(data map[string]string) (*yaml.RNode, error) {
	node, err := yaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: function-input\n")
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ordered := make(map[string]string, len(data))
	for _, k := range keys {
		ordered[k] = data[k]
	}
	node.SetDataMap(ordered)
	return node, nil
}

// fnName is how kpt names a function in messages: its image or executable.
func fnName(fn kptfilev1.Function) string {
	if fn.Image != "" {
		return fn.Image
	}
	return fn.Exec
}
