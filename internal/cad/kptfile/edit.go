package kptfile

import (
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Edit parses content, applies the edits in order to the parsed document and
// renders it again. Fields not edited keep their comments and order.
func Edit(content string, edits ...yaml.Filter) (string, error) {
	node, err := Parse(content)
	if err != nil {
		return "", err
	}
	if err := node.PipeE(edits...); err != nil {
		return "", fmt.Errorf("%s: %w", Name, err)
	}
	out, err := node.String()
	if err != nil {
		return "", fmt.Errorf("%s: %w", Name, err)
	}
	return out, nil
}

// SetName sets metadata.name. The value changes in place so that a comment
// on the line stays.
func SetName(name string) yaml.Filter {
	return setString(name, yaml.MetadataField, yaml.NameField)
}

// SetAnnotation sets one metadata annotation.
func SetAnnotation(key, value string) yaml.Filter {
	return setString(value, yaml.MetadataField, yaml.AnnotationsField, key)
}

// setString sets the string at path, creating what is missing, and keeps the
// comments of a value already there.
func setString(value string, path ...string) yaml.Filter {
	return yaml.FilterFunc(func(node *yaml.RNode) (*yaml.RNode, error) {
		parent, err := node.Pipe(yaml.LookupCreate(yaml.MappingNode, path[:len(path)-1]...))
		if err != nil {
			return nil, err
		}
		field := path[len(path)-1]
		if existing := parent.Field(field); existing != nil && existing.Value.YNode().Kind == yaml.ScalarNode {
			existing.Value.YNode().Value = value
			existing.Value.YNode().Tag = yaml.NodeTagString
			existing.Value.YNode().Style = 0
			return node, nil
		}
		return node, parent.PipeE(yaml.SetField(field, yaml.NewStringRNode(value)))
	})
}

// SetInfo replaces the info section; a nil info removes it.
func SetInfo(info *kptfilev1.PackageInfo) yaml.Filter {
	return setSection("info", info)
}

// SetUpstream replaces the upstream section; nil removes it.
func SetUpstream(upstream *Upstream) yaml.Filter {
	return setSection("upstream", upstream)
}

// SetUpstreamLock replaces the upstreamLock section; nil removes it.
func SetUpstreamLock(lock *Locator) yaml.Filter {
	return setSection("upstreamLock", lock)
}

// setSection sets a top-level field to the YAML of value. A section already
// present keeps its place in the document; a new one goes at the end.
func setSection[T any](field string, value *T) yaml.Filter {
	return yaml.FilterFunc(func(node *yaml.RNode) (*yaml.RNode, error) {
		if value == nil {
			_, err := node.Pipe(yaml.Clear(field))
			return node, err
		}
		b, err := yaml.Marshal(value)
		if err != nil {
			return nil, err
		}
		section, err := yaml.Parse(string(b))
		if err != nil {
			return nil, err
		}
		return node, node.PipeE(yaml.SetField(field, section))
	})
}
