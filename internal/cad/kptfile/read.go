package kptfile

import (
	"bytes"
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Name is the file name of a Kptfile; errors name it so that a user reading
// them knows which file of the package is at fault.
const Name = kptfilev1.KptFileName

// Read decodes a Kptfile. Unknown fields are an error, as in kpt, so that a
// misspelt field does not vanish on the next write.
func Read(content string) (*File, error) {
	kf := &File{}
	dec := yaml.NewDecoder(bytes.NewBufferString(content))
	dec.KnownFields(true)
	if err := dec.Decode(kf); err != nil {
		return nil, fmt.Errorf("%s: invalid: %w", Name, err)
	}
	if kf.APIVersion != kptfilev1.KptFileAPIVersion || kf.Kind != kptfilev1.KptFileKind {
		return nil, fmt.Errorf("%s: want apiVersion %s and kind %s, got %q and %q",
			Name, kptfilev1.KptFileAPIVersion, kptfilev1.KptFileKind, kf.APIVersion, kf.Kind)
	}
	return kf, nil
}

// Parse parses a Kptfile into a node for the comment-preserving edits.
func Parse(content string) (*yaml.RNode, error) {
	node, err := yaml.Parse(content)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %w", Name, err)
	}
	if node.YNode().Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want a YAML mapping at the top", Name)
	}
	return node, nil
}
