package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PorchPackageSpec identifies a package in a repository.
type PorchPackageSpec struct {
	// PackageName is the package's path in the repository.
	// +optional
	PackageName string `json:"packageName,omitempty"`
	// RepositoryName is the Repository holding the package.
	// +optional
	RepositoryName string `json:"repository,omitempty"`
}

// PorchPackageStatus is what the system knows of the package's revisions.
type PorchPackageStatus struct {
	// LatestRevision is the highest published revision number.
	// +optional
	LatestRevision int `json:"latestRevision,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=packages,singular=package,categories=porch
// +kubebuilder:printcolumn:name="Package",type=string,JSONPath=`.spec.packageName`
// +kubebuilder:printcolumn:name="Repository",type=string,JSONPath=`.spec.repository`
// +kubebuilder:printcolumn:name="Latest",type=integer,JSONPath=`.status.latestRevision`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// PorchPackage is a package in a repository, across all its revisions.
type PorchPackage struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   PorchPackageSpec   `json:"spec,omitempty"`
	Status PorchPackageStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PorchPackageList is a list of PorchPackages.
type PorchPackageList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PorchPackage `json:"items"`
}

func init() {
	SchemeBuilder.Register(&PorchPackage{}, &PorchPackageList{})
}
