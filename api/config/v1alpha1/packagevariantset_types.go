package v1alpha1

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PackageVariantSetLabel carries the UID of the PackageVariantSet that made a PackageVariant.
const PackageVariantSetLabel = "config.porch.kpt.dev/packagevariantset"

// PackageVariantSetSpec names one upstream and the targets that each get a PackageVariant of it.
type PackageVariantSetSpec struct {
	// Upstream is the published package revision every variant clones.
	// +kubebuilder:validation:Required
	Upstream *Upstream `json:"upstream"`
	// Targets select where variants are made and how each is templated.
	// +kubebuilder:validation:MaxItems=64
	// +optional
	Targets []Target `json:"targets,omitempty"`
}

// Target selects downstream locations in one of three ways, exactly one of
// repositories, repositorySelector and objectSelector.
// +kubebuilder:validation:XValidation:rule="[has(self.repositories), has(self.repositorySelector), has(self.objectSelector)].filter(x, x).size() == 1",message="exactly one of repositories, repositorySelector and objectSelector must be set"
type Target struct {
	// Repositories lists repositories and, for each, the package names to create.
	// +kubebuilder:validation:MaxItems=1000
	// +optional
	Repositories []RepositoryTarget `json:"repositories,omitempty"`

	// RepositorySelector selects Repository objects by label.
	// +optional
	RepositorySelector *metav1.LabelSelector `json:"repositorySelector,omitempty"`

	// ObjectSelector selects objects of any kind; each yields one variant.
	// +optional
	ObjectSelector *ObjectSelector `json:"objectSelector,omitempty"`

	// Template says how to make the PackageVariant of each target.
	// +optional
	Template *PackageVariantTemplate `json:"template,omitempty"`
}

// RepositoryTarget is a repository and the package names to create in it.
type RepositoryTarget struct {
	// Name of a Repository in the PackageVariantSet's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Name string `json:"name"`
	// PackageNames instantiate the upstream once per name; the upstream's name when empty.
	// +optional
	PackageNames []string `json:"packageNames,omitempty"`
}

// ObjectSelector selects objects of one kind in the set's namespace by label.
type ObjectSelector struct {
	metav1.LabelSelector `json:",inline"`
	// APIVersion of the objects.
	// +kubebuilder:validation:MinLength=1
	APIVersion string `json:"apiVersion"`
	// Kind of the objects.
	// +kubebuilder:validation:MinLength=1
	Kind string `json:"kind"`
	// Name selects one object by name.
	// +optional
	Name *string `json:"name,omitempty"`
}

// PackageVariantTemplate says how to compute each PackageVariant's spec; the
// *Expr and *Exprs fields are CEL expressions over repoDefault, packageDefault,
// upstream, target and repository, each yielding a string.
type PackageVariantTemplate struct {
	// +optional
	Downstream *DownstreamTemplate `json:"downstream,omitempty"`
	// +optional
	AdoptionPolicy *AdoptionPolicy `json:"adoptionPolicy,omitempty"`
	// +optional
	DeletionPolicy *DeletionPolicy `json:"deletionPolicy,omitempty"`
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// LabelExprs compute labels; they win over Labels with the same key.
	// +optional
	LabelExprs []MapExpr `json:"labelExprs,omitempty"`
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// AnnotationExprs compute annotations; they win over Annotations with the same key.
	// +optional
	AnnotationExprs []MapExpr `json:"annotationExprs,omitempty"`
	// +optional
	PackageContext *PackageContextTemplate `json:"packageContext,omitempty"`
	// +optional
	Pipeline *PipelineTemplate `json:"pipeline,omitempty"`
	// +optional
	Injectors []InjectionSelectorTemplate `json:"injectors,omitempty"`
}

// DownstreamTemplate computes a variant's downstream; at most one of repo and
// repoExpr, and of package and packageExpr.
// +kubebuilder:validation:XValidation:rule="!(has(self.repo) && has(self.repoExpr))",message="at most one of repo and repoExpr may be set"
// +kubebuilder:validation:XValidation:rule="!(has(self.__package__) && has(self.packageExpr))",message="at most one of package and packageExpr may be set"
type DownstreamTemplate struct {
	// +optional
	Repo *string `json:"repo,omitempty"`
	// +optional
	Package *string `json:"package,omitempty"`
	// +optional
	RepoExpr *string `json:"repoExpr,omitempty"`
	// +optional
	PackageExpr *string `json:"packageExpr,omitempty"`
}

// PackageContextTemplate computes a variant's packageContext; the *Exprs
// entries win over the plain ones.
type PackageContextTemplate struct {
	// +optional
	Data map[string]string `json:"data,omitempty"`
	// +optional
	RemoveKeys []string `json:"removeKeys,omitempty"`
	// +optional
	DataExprs []MapExpr `json:"dataExprs,omitempty"`
	// +optional
	RemoveKeyExprs []string `json:"removeKeyExprs,omitempty"`
}

// InjectionSelectorTemplate computes an injector; exactly one of name and nameExpr.
// +kubebuilder:validation:XValidation:rule="has(self.name) != has(self.nameExpr)",message="exactly one of name and nameExpr must be set"
type InjectionSelectorTemplate struct {
	// +optional
	Group *string `json:"group,omitempty"`
	// +optional
	Version *string `json:"version,omitempty"`
	// +optional
	Kind *string `json:"kind,omitempty"`
	// +optional
	Name *string `json:"name,omitempty"`
	// +optional
	NameExpr *string `json:"nameExpr,omitempty"`
}

// MapExpr computes one map entry; exactly one of key and keyExpr, and of value and valueExpr.
// +kubebuilder:validation:XValidation:rule="has(self.key) != has(self.keyExpr)",message="exactly one of key and keyExpr must be set"
// +kubebuilder:validation:XValidation:rule="has(self.value) != has(self.valueExpr)",message="exactly one of value and valueExpr must be set"
type MapExpr struct {
	// +optional
	Key *string `json:"key,omitempty"`
	// +optional
	Value *string `json:"value,omitempty"`
	// +optional
	KeyExpr *string `json:"keyExpr,omitempty"`
	// +optional
	ValueExpr *string `json:"valueExpr,omitempty"`
}

// PipelineTemplate computes a variant's pipeline.
type PipelineTemplate struct {
	// +optional
	Validators []FunctionTemplate `json:"validators,omitempty"`
	// +optional
	Mutators []FunctionTemplate `json:"mutators,omitempty"`
}

// FunctionTemplate is a Kptfile function whose configMap entries may be computed.
type FunctionTemplate struct {
	kptfilev1.Function `json:",inline"`
	// ConfigMapExprs compute configMap entries; they win over ConfigMap with the same key.
	// +optional
	ConfigMapExprs []MapExpr `json:"configMapExprs,omitempty"`
}

// PackageVariantSetStatus is what the controller did.
type PackageVariantSetStatus struct {
	// Conditions: Stalled and Ready.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=packagevariantsets,singular=packagevariantset,categories=porch
// +kubebuilder:printcolumn:name="Upstream",type=string,JSONPath=`.spec.upstream.package`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// PackageVariantSet makes one PackageVariant of its upstream per selected target.
type PackageVariantSet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:Required
	Spec   PackageVariantSetSpec   `json:"spec"`
	Status PackageVariantSetStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PackageVariantSetList is a list of PackageVariantSets.
type PackageVariantSetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PackageVariantSet `json:"items"`
}

func init() {
	SchemeBuilder.Register(&PackageVariantSet{}, &PackageVariantSetList{})
}
