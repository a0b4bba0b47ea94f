package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PackageRevisionResourcesSpec is the content a user wants a Draft to hold.
type PackageRevisionResourcesSpec struct {
	// PackageName identifies the package in the repository.
	// +optional
	PackageName string `json:"packageName,omitempty"`
	// WorkspaceName is the revision's workspace.
	// +optional
	WorkspaceName string `json:"workspaceName,omitempty"`
	// Revision is the revision's number.
	// +optional
	Revision int `json:"revision,omitempty"`
	// RepositoryName is the Repository holding the package.
	// +optional
	RepositoryName string `json:"repository,omitempty"`
	// Resources is the complete new content of the package, file path to file
	// content. It replaces the previous content entirely. Writable only while
	// the revision is a Draft.
	// +optional
	Resources map[string]string `json:"resources,omitempty"`
}

// PackageRevisionResourcesStatus is the package as committed in the repository, after render.
type PackageRevisionResourcesStatus struct {
	// Resources is the committed content of the package, file path to file content.
	// +optional
	Resources map[string]string `json:"resources,omitempty"`
	// RenderStatus holds the results of the last render of the package's pipeline.
	// +optional
	RenderStatus *RenderStatus `json:"renderStatus,omitempty"`
	// ObservedGeneration is the generation of spec.resources last committed.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Commit is the git commit (or OCI digest) the content was read from.
	// +optional
	Commit string `json:"commit,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=packagerevisionresources,singular=packagerevisionresources,shortName=prr,categories=porch
// +kubebuilder:printcolumn:name="Package",type=string,JSONPath=`.spec.packageName`
// +kubebuilder:printcolumn:name="WorkspaceName",type=string,JSONPath=`.spec.workspaceName`
// +kubebuilder:printcolumn:name="Revision",type=integer,JSONPath=`.spec.revision`
// +kubebuilder:printcolumn:name="Repository",type=string,JSONPath=`.spec.repository`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:selectablefield:JSONPath=`.spec.repository`
// +kubebuilder:selectablefield:JSONPath=`.spec.packageName`
// +kubebuilder:selectablefield:JSONPath=`.spec.workspaceName`
// +kubebuilder:selectablefield:JSONPath=`.spec.revision`

// PackageRevisionResources holds the files of the PackageRevision of the same name.
type PackageRevisionResources struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PackageRevisionResourcesSpec   `json:"spec,omitempty"`
	Status PackageRevisionResourcesStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PackageRevisionResourcesList is a list of PackageRevisionResources.
type PackageRevisionResourcesList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PackageRevisionResources `json:"items"`
}

func init() {
	SchemeBuilder.Register(&PackageRevisionResources{}, &PackageRevisionResourcesList{})
}
