package render

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// dropNamed is an in-process function for tests: it removes the items of
// the ResourceList rl named name.
func dropNamed(rl []byte, name string) ([]byte, []byte, error) {
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(rl), Writer: &out, KeepReaderAnnotations: true}
	nodes, err := rw.Read()
	if err != nil {
		return nil, nil, err
	}
	var kept []*yaml.RNode
	for _, n := range nodes {
		if n.GetName() != name {
			kept = append(kept, n)
		}
	}
	if err := rw.Write(kept); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), nil, nil
}

// labelAll is an in-process function for tests: it sets label key=value
// on every item of the ResourceList rl.
func labelAll(rl []byte, key, value string) ([]byte, []byte, error) {
	var out bytes.Buffer
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(rl), Writer: &out, KeepReaderAnnotations: true}
	nodes, err := rw.Read()
	if err != nil {
		return nil, nil, err
	}
	for _, n := range nodes {
		if err := n.PipeE(yaml.SetLabel(key, value)); err != nil {
			return nil, nil, err
		}
	}
	if err := rw.Write(nodes); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), nil, nil
}
