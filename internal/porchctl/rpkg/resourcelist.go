package rpkg

import (
	"bytes"
	"io"
	"path"
	"path/filepath"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// A package travels through a pipe as a KRM ResourceList, as upstream
// porchctl writes it: each resource annotated with the file it came from,
// so that the other end can put it back in that file.

// listedFiles are the files a ResourceList carries, matched on the base
// name: the resources, the Kptfile and the revision's metadata. Other files
// (a README) travel only through a folder.
var listedFiles = append(append([]string{}, kio.MatchAll...), cad.KptfileName, kptfilev1.RevisionMetaDataFileName)

func listed(name string) bool {
	for _, pattern := range listedFiles {
		if ok, _ := filepath.Match(pattern, path.Base(name)); ok {
			return true
		}
	}
	return false
}

// writeResourceList writes the resource files of files to w as one
// ResourceList, ordered by file and by position in the file.
func writeResourceList(w io.Writer, files cad.Package) error {
	var inputs []kio.Reader
	for _, name := range files.Paths() {
		if !listed(name) {
			continue
		}
		inputs = append(inputs, &kio.ByteReader{
			Reader:            strings.NewReader(files[name]),
			SetAnnotations:    map[string]string{kioutil.PathAnnotation: name},
			DisableUnwrapping: true,
		})
	}
	return kio.Pipeline{
		Inputs: inputs,
		Outputs: []kio.Writer{kio.ByteWriter{
			Writer:                w,
			KeepReaderAnnotations: true,
			WrappingKind:          kio.ResourceListKind,
			WrappingAPIVersion:    kio.ResourceListAPIVersion,
			Sort:                  true,
		}},
	}.Execute()
}

// readResourceList reads a ResourceList, or plain YAML documents, back into
// files: each resource goes to the file its path annotation names, and one
// without goes to <namespace>/<name>.yaml, as upstream porchctl does.
func readResourceList(r io.Reader) (cad.Package, error) {
	files := cad.Package{}
	toFiles := kio.WriterFunc(func(nodes []*yaml.RNode) error {
		byFile := map[string][]*yaml.RNode{}
		for _, node := range nodes {
			byFile[fileOf(node)] = append(byFile[fileOf(node)], node)
		}
		for name, resources := range byFile {
			var buf bytes.Buffer
			// Sorted by their index annotations: in the order of the file.
			err := kio.ByteWriter{Writer: &buf, Sort: true, ClearAnnotations: fileAnnotations}.Write(resources)
			if err != nil {
				return err
			}
			files[name] = buf.String()
		}
		return nil
	})
	err := kio.Pipeline{
		Inputs:  []kio.Reader{&kio.ByteReader{Reader: r, PreserveSeqIndent: true, WrapBareSeqNode: true}},
		Outputs: []kio.Writer{toFiles},
	}.Execute()
	return files, err
}

// fileAnnotations say where a resource of a ResourceList comes from; they
// are no part of the file. A pull writes the legacy ones too, as kyaml does.
var fileAnnotations = []string{
	kioutil.PathAnnotation, kioutil.IndexAnnotation,
	kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation, //nolint:staticcheck // written by pulls
}

// fileOf is the file a resource of a ResourceList belongs to.
func fileOf(node *yaml.RNode) string {
	if name, ok := node.GetAnnotations()[kioutil.PathAnnotation]; ok {
		return name
	}
	ns, name := node.GetNamespace(), node.GetName()
	if ns == "" {
		ns = "non-namespaced"
	}
	if name == "" {
		name = "unnamed"
	}
	return path.Join(ns, name+".yaml")
}
