package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Key and value of the label that marks the highest published revision of a package.
const (
	LatestPackageRevisionKey   = "kpt.dev/latest-revision"
	LatestPackageRevisionValue = "true"
)

// ApprovedByAnnotation records the user who approved a revision (Proposed to
// Published). The admission webhook sets it on the approving update, since
// the status cannot be written through the main resource; the controller
// that publishes the revision copies it into status.publishedBy. Only the
// system writes it: a user's own change is refused.
const ApprovedByAnnotation = "porch.kpt.dev/approved-by"

// PackageRevisionLifecycle is where a revision stands between authoring and publication.
// +kubebuilder:validation:Enum=Draft;Proposed;Published;DeletionProposed
type PackageRevisionLifecycle string

const (
	PackageRevisionLifecycleDraft            PackageRevisionLifecycle = "Draft"
	PackageRevisionLifecycleProposed         PackageRevisionLifecycle = "Proposed"
	PackageRevisionLifecyclePublished        PackageRevisionLifecycle = "Published"
	PackageRevisionLifecycleDeletionProposed PackageRevisionLifecycle = "DeletionProposed"
)

// IsPublished says whether a lifecycle is one of the published ones.
func (l PackageRevisionLifecycle) IsPublished() bool {
	return l == PackageRevisionLifecyclePublished || l == PackageRevisionLifecycleDeletionProposed
}

// PackageRevisionSpec is what a user asks for: which package, where, and how it was made.
// A revision is created as a Draft; spec.revision is set by the system when it is published.
// +kubebuilder:validation:XValidation:rule="oldSelf.hasValue() || !has(self.lifecycle) || self.lifecycle == 'Draft' || (has(self.revision) && self.revision != 0)",optionalOldSelf=true,fieldPath=.lifecycle,message="a PackageRevision is created as Draft; propose and approve it to publish"
// +kubebuilder:validation:XValidation:rule="has(self.tasks) == has(oldSelf.tasks)",fieldPath=.tasks,message="spec.tasks is immutable"
type PackageRevisionSpec struct {
	// PackageName is the package's path in the repository, relative to the
	// repository's directory; it may contain '/' for nested packages.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=200
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.packageName is immutable"
	PackageName string `json:"packageName"`

	// RepositoryName is the name of the Repository, in the same namespace, that holds the package.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.repository is immutable"
	RepositoryName string `json:"repository"`

	// WorkspaceName names this revision's line of work; unique per package.
	// A DNS label, except that dots are allowed so that published revisions
	// read from tags such as v2.0.0 keep their version as workspace.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +kubebuilder:validation:XValidation:rule="!self.endsWith('.lock')",message="spec.workspaceName must not end with .lock, which git refuses in ref names"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.workspaceName is immutable"
	WorkspaceName string `json:"workspaceName"`

	// Revision is the published revision number, set only by the system:
	// 0 for Draft and Proposed, N >= 1 when published, -1 for the revision that
	// mirrors the repository's registered branch.
	// +kubebuilder:validation:Minimum=-1
	// +optional
	Revision int `json:"revision,omitempty"`

	// Lifecycle is Draft, Proposed, Published or DeletionProposed.
	// +kubebuilder:default=Draft
	// +optional
	Lifecycle PackageRevisionLifecycle `json:"lifecycle,omitempty"`

	// Tasks holds the one task that created this revision.
	// +kubebuilder:validation:MaxItems=1
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.tasks is immutable"
	// +optional
	Tasks []Task `json:"tasks,omitempty"`

	// ReadinessGates are conditions of the package that must be True before it can be published.
	// +kubebuilder:validation:MaxItems=32
	// +optional
	ReadinessGates []ReadinessGate `json:"readinessGates,omitempty"`

	// PackageMetadata is written into the package's Kptfile metadata.
	// +optional
	PackageMetadata *PackageMetadata `json:"packageMetadata,omitempty"`
}

// PackageMetadata are labels and annotations applied to the package's Kptfile.
type PackageMetadata struct {
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ReadinessGate names a package condition that must be True for the revision to be ready.
type ReadinessGate struct {
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=316
	ConditionType string `json:"conditionType"`
}

// PackageRevisionStatus is what the system observed of the revision.
type PackageRevisionStatus struct {
	// Conditions: Ready and Rendered. See conditions.go for types and reasons.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// PackageConditions are the conditions written in the package's Kptfile status.
	// +optional
	PackageConditions []PackageCondition `json:"packageConditions,omitempty"`

	// UpstreamLock identifies the upstream this package was cloned from, as in its Kptfile.
	// +optional
	UpstreamLock *Locator `json:"upstreamLock,omitempty"`

	// SelfLock identifies where this revision's own content lives.
	// +optional
	SelfLock *Locator `json:"selfLock,omitempty"`

	// PublishedBy is the identity of the user who approved the revision.
	// +optional
	PublishedBy string `json:"publishedBy,omitempty"`

	// PublishedAt is when the revision was approved.
	// +optional
	PublishedAt *metav1.Time `json:"publishTimestamp,omitempty"`

	// Deployment is true for a revision in a deployment repository.
	// +optional
	Deployment bool `json:"deployment,omitempty"`

	// ObservedGeneration is the generation last acted upon successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
}

// PackageCondition is a condition of the package itself, in kpt's Kptfile shape.
type PackageCondition struct {
	Type string `json:"type"`
	// +kubebuilder:validation:Enum=True;False;Unknown
	Status string `json:"status"`
	// +optional
	Reason string `json:"reason,omitempty"`
	// +optional
	Message string `json:"message,omitempty"`
}

// OriginType is the kind of location a Locator points at.
type OriginType string

const (
	// OriginTypeGit is a package in a git repository.
	OriginTypeGit OriginType = "git"
	// OriginTypeOCI is a package stored as an OCI image.
	OriginTypeOCI OriginType = "oci"
)

// Locator is a resolved location of a package's content.
type Locator struct {
	// Type is the type of origin.
	// +optional
	Type OriginType `json:"type,omitempty"`

	// Git is the resolved location of a package in git.
	// +optional
	Git *GitLock `json:"git,omitempty"`

	// Oci is the resolved location of a package stored as an OCI image.
	// +optional
	Oci *OciLock `json:"oci,omitempty"`
}

// OciLock is a resolved location of a package stored as an OCI image.
type OciLock struct {
	// Image is the image, by digest: host/repository[:tag]@sha256:...
	// +optional
	Image string `json:"image,omitempty"`
}

// GitLock is a resolved location of a package in git.
type GitLock struct {
	// Repo is the git repository address.
	// +optional
	Repo string `json:"repo,omitempty"`
	// Directory is the package's folder within the repository.
	// +optional
	Directory string `json:"directory,omitempty"`
	// Ref is the branch, tag or commit that was read.
	// +optional
	Ref string `json:"ref,omitempty"`
	// Commit is the commit the ref resolved to.
	// +optional
	Commit string `json:"commit,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=packagerevisions,singular=packagerevision,shortName=rpkg,categories=porch
// +kubebuilder:printcolumn:name="Package",type=string,JSONPath=`.spec.packageName`
// +kubebuilder:printcolumn:name="WorkspaceName",type=string,JSONPath=`.spec.workspaceName`
// +kubebuilder:printcolumn:name="Revision",type=integer,JSONPath=`.spec.revision`
// +kubebuilder:printcolumn:name="Latest",type=string,JSONPath=`.metadata.labels.kpt\.dev/latest-revision`
// +kubebuilder:printcolumn:name="Lifecycle",type=string,JSONPath=`.spec.lifecycle`
// +kubebuilder:printcolumn:name="Repository",type=string,JSONPath=`.spec.repository`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Rendered",type=string,JSONPath=`.status.conditions[?(@.type=="Rendered")].status`,priority=1
// +kubebuilder:printcolumn:name="Upstream",type=string,JSONPath=`.status.upstreamLock.git.ref`,priority=1,description="The git ref a clone or upgrade was last fetched from."
// +kubebuilder:printcolumn:name="Published-By",type=string,JSONPath=`.status.publishedBy`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:selectablefield:JSONPath=`.spec.repository`
// +kubebuilder:selectablefield:JSONPath=`.spec.packageName`
// +kubebuilder:selectablefield:JSONPath=`.spec.workspaceName`
// +kubebuilder:selectablefield:JSONPath=`.spec.lifecycle`
// +kubebuilder:selectablefield:JSONPath=`.spec.revision`

// PackageRevision is one revision of a package in a repository: a Draft being
// authored, a Proposed one awaiting approval, or a Published one.
// Its name is <repository>.<package path with / as .>.<workspace>; the
// admission webhook refuses any other, naming the one it must be (a CEL rule
// on the whole object could only report it without a field path).
type PackageRevision struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:Required
	Spec   PackageRevisionSpec   `json:"spec"`
	Status PackageRevisionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PackageRevisionList is a list of PackageRevisions.
type PackageRevisionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PackageRevision `json:"items"`
}

func init() {
	SchemeBuilder.Register(&PackageRevision{}, &PackageRevisionList{})
}
