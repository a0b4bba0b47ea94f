package rpkg

import (
	"fmt"
	"time"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// A pulled package carries .KptRevisionMetadata, a KptRevisionMetadata
// object holding the metadata of the PackageRevisionResources it was pulled
// from, as upstream porchctl writes it. A push requires it, so that only
// content that came from a pull, and was meant for a revision, is pushed;
// and its resourceVersion makes the push fail when the content changed
// since the pull, rather than overwrite what someone else pushed.

// revisionMetadata is what .KptRevisionMetadata holds, in upstream's
// shape: no apiVersion (upstream writes an empty one), and of the
// metadata what identifies the revision and the version pulled, no
// labels, owners or generation.
type revisionMetadata struct {
	APIVersion string           `yaml:"apiVersion"`
	Kind       string           `yaml:"kind"`
	Metadata   revisionIdentity `yaml:"metadata"`
}

type revisionIdentity struct {
	Name              string            `yaml:"name"`
	Namespace         string            `yaml:"namespace"`
	CreationTimestamp string            `yaml:"creationTimestamp,omitempty"`
	ResourceVersion   string            `yaml:"resourceVersion,omitempty"`
	UID               string            `yaml:"uid,omitempty"`
	Annotations       map[string]string `yaml:"annotations,omitempty"`
}

// pulledCommitAnnotation records in .KptRevisionMetadata the commit whose
// content was pulled: a push is held to it, so that a push refused in the
// meantime (which committed nothing, but changed the resources' version)
// does not turn away another copy of the same pull.
const pulledCommitAnnotation = "porch.kpt.dev/pulled-commit"

// pulled is what .KptRevisionMetadata says of the pull: the resources'
// version and the commit of their content.
type pulled struct {
	version, commit string
}

// withMetadata returns files with the .KptRevisionMetadata of prr added.
func withMetadata(files cad.Package, prr *porchv1alpha1.PackageRevisionResources) (cad.Package, error) {
	id := revisionIdentity{Name: prr.Name, Namespace: prr.Namespace, ResourceVersion: prr.ResourceVersion, UID: string(prr.UID)}
	if prr.Status.Commit != "" {
		id.Annotations = map[string]string{pulledCommitAnnotation: prr.Status.Commit}
	}
	if !prr.CreationTimestamp.IsZero() {
		id.CreationTimestamp = prr.CreationTimestamp.UTC().Format(time.RFC3339)
	}
	content, err := yaml.Marshal(revisionMetadata{Kind: kptfilev1.RevisionMetaDataKind, Metadata: id})
	if err != nil {
		return nil, err
	}
	out := files.Copy()
	out[kptfilev1.RevisionMetaDataFileName] = string(content)
	return out, nil
}

// withoutMetadata checks that files hold the .KptRevisionMetadata of a
// pull, and returns them without it, as it is no file of the package, and
// what it records of the pull. prr names the PackageRevisionResources
// pushed to, in errors, as upstream names it.
func withoutMetadata(files cad.Package, namespace, prr string) (cad.Package, pulled, error) {
	name := kptfilev1.RevisionMetaDataFileName
	content, ok := files[name]
	if !ok {
		return nil, pulled{}, fmt.Errorf("%q not found in PackageRevisionResources '%s/%s'; "+
			"use \"porchctl rpkg pull\" to download the remote package metadata before pushing", name, namespace, prr)
	}
	node, err := yaml.Parse(content)
	if err != nil {
		return nil, pulled{}, fmt.Errorf("failed to parse %q of PackageRevisionResources %s/%s: %w", name, namespace, prr, err)
	}
	if node.GetKind() != kptfilev1.RevisionMetaDataKind {
		return nil, pulled{}, fmt.Errorf("%q does not contain kind %q in PackageRevisionResources '%s/%s'", name, kptfilev1.RevisionMetaDataKind, namespace, prr)
	}
	out := files.Copy()
	delete(out, name)
	var p pulled
	if v, err := node.Pipe(yaml.Lookup(yaml.MetadataField, "resourceVersion")); err != nil {
		return out, p, err
	} else if v != nil {
		p.version = yaml.GetValue(v)
	}
	p.commit = node.GetAnnotations()[pulledCommitAnnotation]
	return out, p, nil
}
