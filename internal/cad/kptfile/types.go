package kptfile

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// OciOrigin is a package cloned from an OCI image: kpt's v1 Kptfile had
// this origin while kpt could fetch images, and upstream Porch still writes
// it; kpt's current Kptfile type dropped it.
const OciOrigin kptfilev1.OriginType = "oci"

// File is a Kptfile: kpt's v1 schema, with the OCI origin of upstream and
// upstreamLock that upstream Porch writes for a package cloned from an
// image (upstream.oci.image, upstreamLock.oci.image), so that such a
// Kptfile reads, and is written back, whole.
type File struct {
	yaml.ResourceMeta `yaml:",inline" json:",inline"`

	Upstream *Upstream `yaml:"upstream,omitempty" json:"upstream,omitempty"`

	// UpstreamLock is where the package was last fetched from, resolved.
	UpstreamLock *Locator `yaml:"upstreamLock,omitempty" json:"upstreamLock,omitempty"`

	Info      *kptfilev1.PackageInfo `yaml:"info,omitempty" json:"info,omitempty"`
	Pipeline  *kptfilev1.Pipeline    `yaml:"pipeline,omitempty" json:"pipeline,omitempty"`
	Inventory *kptfilev1.Inventory   `yaml:"inventory,omitempty" json:"inventory,omitempty"`
	Status    *kptfilev1.Status      `yaml:"status,omitempty" json:"status,omitempty"`
}

// Upstream is where a package was cloned from, as the user named it.
type Upstream struct {
	Type           kptfilev1.OriginType         `yaml:"type,omitempty" json:"type,omitempty"`
	Git            *kptfilev1.Git               `yaml:"git,omitempty" json:"git,omitempty"`
	Oci            *Oci                         `yaml:"oci,omitempty" json:"oci,omitempty"`
	UpdateStrategy kptfilev1.UpdateStrategyType `yaml:"updateStrategy,omitempty" json:"updateStrategy,omitempty"`
}

// Oci names an image: host/repository:tag as the user gave it for
// upstream, host/repository[:tag]@digest for upstreamLock.
type Oci struct {
	Image string `yaml:"image,omitempty" json:"image,omitempty"`
}

// Locator is where a package was fetched from, resolved to a commit or a
// digest.
type Locator struct {
	Type    kptfilev1.OriginType   `yaml:"type,omitempty" json:"type,omitempty"`
	Git     *kptfilev1.GitLock     `yaml:"git,omitempty" json:"git,omitempty"`
	Oci     *Oci                   `yaml:"oci,omitempty" json:"oci,omitempty"`
	Generic *kptfilev1.GenericLock `yaml:"generic,omitempty" json:"generic,omitempty"`
}

// Validate runs kpt's checks of the Kptfile, which look at the pipeline.
func (kf *File) Validate(fsys filesys.FileSystem, pkgPath kptfilev1.UniquePath) error {
	k := kptfilev1.KptFile{ResourceMeta: kf.ResourceMeta, Pipeline: kf.Pipeline}
	return k.Validate(fsys, pkgPath)
}
