package cad

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const (
	// MergeCommentPrefix starts the line comment kpt puts on a resource's
	// metadata: "kpt-merge: <namespace>/<name>". It keeps the upstream identity
	// of a resource that is renamed locally, so that updates still find it.
	MergeCommentPrefix = "kpt-merge:"
	// UpstreamIdentifierAnnotation records the same identity as
	// group|kind|namespace|name, the namespace "default" when empty.
	UpstreamIdentifierAnnotation = "internal.kpt.dev/upstream-identifier"
)

// AddMergeComments returns p with the merge comment and the upstream
// identifier added to every named resource of its YAML files that does not
// have them yet, as kpt pkg get does. A YAML file that does not parse is an
// error naming it.
func AddMergeComments(p Package) (Package, error) {
	fsys, root, err := p.FileSystem()
	if err != nil {
		return nil, err
	}
	rw := &kio.LocalPackageReadWriter{
		PackagePath:        root,
		FileSystem:         FileSystemOrOnDisk(fsys),
		IncludeSubpackages: true,
		PackageFileName:    KptfileName,
		PreserveSeqIndent:  true,
		WrapBareSeqNode:    true,
	}
	nodes, err := rw.Read()
	if err != nil {
		// Name the file as the package does, not by the in-memory root.
		return nil, fmt.Errorf("reading resources: %s", strings.ReplaceAll(err.Error(), root+"/", ""))
	}
	for _, node := range nodes {
		if err := addMergeComment(node); err != nil {
			return nil, err
		}
	}
	if err := rw.Write(nodes); err != nil {
		return nil, fmt.Errorf("writing resources: %s", strings.ReplaceAll(err.Error(), root+"/", ""))
	}
	return FromFileSystem(fsys, root)
}

func addMergeComment(node *yaml.RNode) error {
	meta, err := node.GetMeta()
	if err != nil || meta.Name == "" {
		// Not a named resource: nothing to identify.
		return nil
	}
	field := node.Field(yaml.MetadataField)
	if field == nil || field.Value.YNode().Kind != yaml.MappingNode {
		return nil
	}
	if !strings.Contains(field.Key.YNode().LineComment, MergeCommentPrefix) {
		field.Key.YNode().LineComment = fmt.Sprintf("%s %s/%s", MergeCommentPrefix, meta.Namespace, meta.Name)
	}
	if _, ok := meta.Annotations[UpstreamIdentifierAnnotation]; ok {
		return nil
	}
	ns := meta.Namespace
	if ns == "" {
		ns = "default"
	}
	group, _ := resid.ParseGroupVersion(meta.APIVersion)
	value := yaml.NewScalarRNode(strings.Join([]string{group, meta.Kind, ns, meta.Name}, "|"))
	// Quoted as kpt writes it: the value may start with '|'.
	value.YNode().Style = yaml.SingleQuotedStyle
	return node.PipeE(yaml.LookupCreate(yaml.MappingNode, yaml.MetadataField, yaml.AnnotationsField),
		yaml.SetField(UpstreamIdentifierAnnotation, value))
}
