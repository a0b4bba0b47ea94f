package v1alpha1

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// AdoptionPolicy says whether a PackageVariant takes over existing downstream revisions it did not create.
// +kubebuilder:validation:Enum=adoptExisting;adoptNone
type AdoptionPolicy string

// DeletionPolicy says what happens to downstream revisions when their PackageVariant goes away.
// +kubebuilder:validation:Enum=delete;orphan
type DeletionPolicy string

const (
	AdoptionPolicyAdoptExisting AdoptionPolicy = "adoptExisting"
	AdoptionPolicyAdoptNone     AdoptionPolicy = "adoptNone"

	DeletionPolicyDelete DeletionPolicy = "delete"
	DeletionPolicyOrphan DeletionPolicy = "orphan"

	// PackageVariantFinalizer lets a PackageVariant clean up its downstream revisions.
	PackageVariantFinalizer = "config.porch.kpt.dev/packagevariants"
)

// PackageVariantSpec pairs an upstream package revision with a downstream
// package that the controller keeps cloned, upgraded and mutated.
type PackageVariantSpec struct {
	// Upstream is the published package revision to clone.
	// +kubebuilder:validation:Required
	Upstream *Upstream `json:"upstream"`

	// Downstream is the package to create and keep current.
	// +kubebuilder:validation:Required
	Downstream *Downstream `json:"downstream"`

	// AdoptionPolicy is adoptNone (the default) or adoptExisting.
	// +optional
	AdoptionPolicy AdoptionPolicy `json:"adoptionPolicy,omitempty"`

	// DeletionPolicy is delete (the default) or orphan.
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// Labels are set on downstream PackageRevisions.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// Annotations are set on downstream PackageRevisions.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// PackageContext sets and removes keys of the downstream package's package-context.yaml.
	// +optional
	PackageContext *PackageContext `json:"packageContext,omitempty"`

	// Pipeline functions are prepended to the downstream Kptfile's pipeline.
	// +optional
	Pipeline *kptfilev1.Pipeline `json:"pipeline,omitempty"`

	// Injectors select in-cluster objects that fill the package's injection points.
	// +optional
	Injectors []InjectionSelector `json:"injectors,omitempty"`
}

// Upstream identifies a published package revision by repository, package and
// either revision number or workspace. With neither, the latest published revision.
// +kubebuilder:validation:XValidation:rule="!(has(self.revision) && self.revision > 0 && has(self.workspaceName) && size(self.workspaceName) > 0)",message="at most one of revision and workspaceName may be set"
type Upstream struct {
	// Repo is the Repository holding the upstream package.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Repo string `json:"repo,omitempty"`
	// Package is the upstream package name.
	// +kubebuilder:validation:MaxLength=200
	// +optional
	Package string `json:"package,omitempty"`
	// Revision is the upstream published revision number.
	// +kubebuilder:validation:Minimum=0
	// +optional
	Revision int `json:"revision,omitempty"`
	// WorkspaceName is the upstream revision's workspace.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	WorkspaceName string `json:"workspaceName,omitempty"`
}

// Downstream identifies the package a PackageVariant manages.
type Downstream struct {
	// Repo is the Repository to create the package in.
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Repo string `json:"repo,omitempty"`
	// Package is the downstream package name.
	// +kubebuilder:validation:MaxLength=200
	// +optional
	Package string `json:"package,omitempty"`
}

// PackageContext is data added to or removed from the package's
// kptfile.kpt.dev ConfigMap.
type PackageContext struct {
	// Data entries are set in the ConfigMap.
	// +optional
	Data map[string]string `json:"data,omitempty"`
	// RemoveKeys are removed from the ConfigMap.
	// +optional
	RemoveKeys []string `json:"removeKeys,omitempty"`
}

// InjectionSelector selects an in-cluster object that fills an injection point.
type InjectionSelector struct {
	// +optional
	Group *string `json:"group,omitempty"`
	// +optional
	Version *string `json:"version,omitempty"`
	// +optional
	Kind *string `json:"kind,omitempty"`
	// Name of the object.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
}

// PackageVariantStatus is what the controller did.
type PackageVariantStatus struct {
	// Conditions: Stalled and Ready.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// DownstreamTargets are the downstream revisions this PackageVariant created or adopted.
	// +optional
	DownstreamTargets []DownstreamTarget `json:"downstreamTargets,omitempty"`
}

// DownstreamTarget is one downstream revision and how its last render went.
type DownstreamTarget struct {
	// Name of the PackageRevision.
	// +optional
	Name string `json:"name,omitempty"`
	// RenderStatus of its last render.
	// +optional
	RenderStatus porchv1alpha1.RenderStatus `json:"renderStatus,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=packagevariants,singular=packagevariant,categories=porch
// +kubebuilder:printcolumn:name="Upstream",type=string,JSONPath=`.spec.upstream.package`
// +kubebuilder:printcolumn:name="Downstream",type=string,JSONPath=`.spec.downstream.package`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// PackageVariant keeps a downstream package cloned from an upstream package
// revision, upgraded when the upstream moves on, and mutated as its spec says.
type PackageVariant struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:Required
	Spec   PackageVariantSpec   `json:"spec"`
	Status PackageVariantStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PackageVariantList is a list of PackageVariants.
type PackageVariantList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PackageVariant `json:"items"`
}

func init() {
	SchemeBuilder.Register(&PackageVariant{}, &PackageVariantList{})
}
