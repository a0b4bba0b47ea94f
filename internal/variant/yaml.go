package variant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The edits below change a file only where its data changes, and say
// whether they did: a file nothing changed keeps its bytes, which makes
// Mutate idempotent to the byte and a no-op PackageVariant invisible.

// isResourceFile says whether a file holds resources: a package's
// resources are in the files named *.yaml or *.yml, which leaves out the
// Kptfile.
func isResourceFile(name string) bool {
	for _, pattern := range kio.MatchAll {
		if ok, _ := path.Match(pattern, path.Base(name)); ok {
			return true
		}
	}
	return false
}

// readDocuments parses the YAML documents of a file, in order. Each keeps a
// note of its sequence indentation so that writeDocuments keeps it too; a
// List is not unwrapped, so that it is written back as it was.
func readDocuments(name, content string) ([]*yaml.RNode, error) {
	reader := &kio.ByteReader{
		Reader:            strings.NewReader(content),
		PreserveSeqIndent: true,
		WrapBareSeqNode:   true,
		DisableUnwrapping: true,
	}
	nodes, err := reader.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return nodes, nil
}

// writeDocuments renders documents read by readDocuments, in the same order,
// without the notes the reader added.
func writeDocuments(name string, nodes []*yaml.RNode) (string, error) {
	var buf bytes.Buffer
	if err := (kio.ByteWriter{Writer: &buf}).Write(nodes); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return buf.String(), nil
}

// toNode renders a value as YAML, with the fields of a struct named by
// their yaml tags.
func toNode(value any) (*yaml.RNode, error) {
	b, err := yaml.Marshal(value)
	if err != nil {
		return nil, err
	}
	return yaml.Parse(string(b))
}

// sameData says whether two nodes hold the same data, whatever their style
// and comments.
func sameData(a, b *yaml.Node) bool {
	ja, errA := canonical(a)
	jb, errB := canonical(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// canonical renders a node's data as JSON, whose maps have sorted keys.
func canonical(n *yaml.Node) ([]byte, error) {
	var v any
	if n != nil {
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
	}
	return json.Marshal(v)
}

// setField sets the field at path to value, creating the sections on the
// way, unless it holds the same data already.
func setField(node, value *yaml.RNode, path ...string) (bool, error) {
	if existing, err := node.Pipe(yaml.Lookup(path...)); err == nil && existing != nil && sameData(existing.YNode(), value.YNode()) {
		return false, nil
	}
	parent, err := mapping(node, path[:len(path)-1]...)
	if err != nil {
		return false, err
	}
	// The value's own style wins, so that a new list does not take the flow
	// style of an empty one it replaces.
	return true, parent.PipeE(yaml.FieldSetter{Name: path[len(path)-1], Value: value, OverrideStyle: true})
}

// mapping returns the mapping at path, creating what is missing. An empty
// mapping written {} is given block style, so that what is added to it
// reads as the rest of the file.
func mapping(node *yaml.RNode, path ...string) (*yaml.RNode, error) {
	m, err := node.Pipe(yaml.LookupCreate(yaml.MappingNode, path...))
	if err != nil {
		return nil, err
	}
	if m.YNode().Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: want a mapping", strings.Join(path, "."))
	}
	if len(m.Content()) == 0 {
		m.YNode().Style = 0
	}
	return m, nil
}

// clearField removes the field at path, then each section on the path that
// this leaves empty: such a section was there only for what was removed.
func clearField(node *yaml.RNode, path ...string) (bool, error) {
	parent, err := node.Pipe(yaml.Lookup(path[:len(path)-1]...))
	if err != nil || parent == nil || parent.YNode().Kind != yaml.MappingNode || parent.Field(path[len(path)-1]) == nil {
		return false, err
	}
	if _, err := parent.Pipe(yaml.Clear(path[len(path)-1])); err != nil {
		return false, err
	}
	for i := len(path) - 1; i > 0; i-- {
		section, err := node.Pipe(yaml.Lookup(path[:i]...))
		if err != nil || section == nil || len(section.Content()) > 0 {
			break
		}
		up, err := node.Pipe(yaml.Lookup(path[:i-1]...))
		if err != nil {
			return true, err
		}
		if _, err := up.Pipe(yaml.Clear(path[i-1])); err != nil {
			return true, err
		}
	}
	return true, nil
}

// setString sets a string field of a mapping. A value already there is
// changed in place, so that its comment stays.
func setString(m *yaml.RNode, key, value string) (bool, error) {
	want := yaml.NewStringRNode(value)
	f := m.Field(key)
	if f == nil || f.Value.YNode().Kind != yaml.ScalarNode {
		return true, m.PipeE(yaml.SetField(key, want))
	}
	n := f.Value.YNode()
	if sameData(n, want.YNode()) {
		return false, nil
	}
	n.Value, n.Tag, n.Style = value, yaml.NodeTagString, 0
	if yaml.IsYaml1_1NonString(n) {
		// Quoted, or a YAML 1.1 reader would see a boolean.
		n.Style = yaml.DoubleQuotedStyle
	}
	return true, nil
}
