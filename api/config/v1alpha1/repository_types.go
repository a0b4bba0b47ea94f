package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RepositoryType is the storage behind a repository.
// +kubebuilder:validation:Enum=git;oci
type RepositoryType string

const (
	RepositoryTypeGit RepositoryType = "git"
	RepositoryTypeOCI RepositoryType = "oci"
)

// RepositoryContent is deprecated; its only value is Package.
// +kubebuilder:validation:Enum=Package
type RepositoryContent string

// RepositoryContentPackage is the only content a repository holds.
const RepositoryContentPackage RepositoryContent = "Package"

// DefaultBranch is the branch used when spec.git.branch is empty.
const DefaultBranch = "main"

// RepositorySpec says where a repository of packages lives and how to reach it.
// +kubebuilder:validation:XValidation:rule="self.type != 'git' || has(self.git)",message="spec.git is required when spec.type is git"
// +kubebuilder:validation:XValidation:rule="self.type != 'git' || !has(self.oci)",message="spec.oci must not be set when spec.type is git"
// +kubebuilder:validation:XValidation:rule="self.type != 'oci' || has(self.oci)",message="spec.oci is required when spec.type is oci"
// +kubebuilder:validation:XValidation:rule="self.type != 'oci' || !has(self.git)",message="spec.git must not be set when spec.type is oci"
type RepositorySpec struct {
	// Description is a user-friendly description of the repository.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Description string `json:"description,omitempty"`

	// Deployment marks a deployment repository: its packages are ready to deploy.
	// +optional
	Deployment bool `json:"deployment,omitempty"`

	// Type is git or oci.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.type is immutable"
	Type RepositoryType `json:"type"`

	// Content is deprecated and accepted only for compatibility; its only
	// value is Package, which it defaults to, as upstream's CRD does.
	// +kubebuilder:default=Package
	// +optional
	Content *RepositoryContent `json:"content,omitempty"`

	// Sync says when the repository is read again.
	// +optional
	Sync *RepositorySync `json:"sync,omitempty"`

	// Git holds the git repository's details; required when type is git.
	// +optional
	Git *GitRepository `json:"git,omitempty"`

	// Oci holds the OCI registry's details; required when type is oci.
	// +optional
	Oci *OciRepository `json:"oci,omitempty"`
}

// RepositorySync says when a repository is read again besides the default period.
type RepositorySync struct {
	// Schedule is a cron expression, such as "*/10 * * * *" for every ten minutes.
	// It may not fire more often than the manager's minimum sync interval
	// (--min-sync-interval, 1 minute by default).
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Schedule string `json:"schedule,omitempty"`
	// RunOnceAt asks for one extra sync at this time.
	// +optional
	RunOnceAt *metav1.Time `json:"runOnceAt,omitempty"`
}

// GitRepository describes a git repository of packages.
// +kubebuilder:validation:XValidation:rule=`(has(self.directory) ? self.directory : "") == (has(oldSelf.directory) ? oldSelf.directory : "")`,message="spec.git.directory is immutable"
type GitRepository struct {
	// Repo is the repository address, such as https://example.com/blueprints.git.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.git.repo is immutable"
	// +kubebuilder:validation:XValidation:rule="self.matches('^(https?|file|ssh|git)://') || self.matches('^[^@/]+@[^:]+:')",message="spec.git.repo must be a URL (https://, http://, ssh://, git://, file://) or an scp-like address user@host:path"
	Repo string `json:"repo"`

	// Branch holds the published packages; main when empty.
	// +kubebuilder:default=main
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9][A-Za-z0-9._/-]*$') && self != 'HEAD' && !self.contains('..') && !self.contains('//') && !self.contains('/.') && !self.contains('.lock/') && !self.endsWith('/') && !self.endsWith('.') && !self.endsWith('.lock')",message="spec.git.branch must be a valid git branch name: letters, digits and . _ / - starting with a letter or digit; not HEAD; no '..', '//' or '/.'; no part ending in '.lock'; not ending in '/' or '.'"
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.git.branch is immutable"
	// +optional
	Branch string `json:"branch,omitempty"`

	// CreateBranch creates the branch, with an initial commit, when it does not exist.
	// +optional
	CreateBranch bool `json:"createBranch,omitempty"`

	// Directory is the folder under which packages are found; the root when empty.
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.split('/').exists(s, s == '..')",message="spec.git.directory must not contain '..'"
	// +optional
	Directory string `json:"directory,omitempty"`

	// SecretRef names a Secret with credentials: kubernetes.io/basic-auth
	// (username, password) or Opaque with bearerToken.
	// +optional
	SecretRef SecretRef `json:"secretRef,omitempty"`

	// Author is the commit author's name for commits the system makes.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Author string `json:"author,omitempty"`

	// Email is the commit author's email for commits the system makes.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	Email string `json:"email,omitempty"`
}

// OciRepository describes an OCI registry of packages.
type OciRepository struct {
	// Registry is the registry address, such as registry.example.com/packages.
	// +kubebuilder:validation:Required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.oci.registry is immutable"
	Registry string `json:"registry"`

	// SecretRef names a Secret with credentials.
	// +optional
	SecretRef SecretRef `json:"secretRef,omitempty"`
}

// SecretRef names a Secret in the namespace of the referring object.
type SecretRef struct {
	// Name of the Secret.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Name string `json:"name,omitempty"`
}

// RepositoryStatus is what the system observed of the repository.
type RepositoryStatus struct {
	// Conditions: Ready. See conditions.go for reasons.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ObservedGeneration is the generation last reconciled successfully.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// LastFullSyncTime is when the repository was last read completely.
	// +optional
	LastFullSyncTime *metav1.Time `json:"lastFullSyncTime,omitempty"`

	// NextFullSyncTime is when the next sync is due.
	// +optional
	NextFullSyncTime *metav1.Time `json:"nextFullSyncTime,omitempty"`

	// ObservedRunOnceAt is the last spec.sync.runOnceAt acted upon.
	// +optional
	ObservedRunOnceAt *metav1.Time `json:"observedRunOnceAt,omitempty"`

	// PackageCount is the number of package revisions mirrored from the repository.
	// +optional
	PackageCount int `json:"packageCount,omitempty"`

	// GitCommitHash is the commit of the registered branch; empty for OCI.
	// +optional
	GitCommitHash string `json:"gitCommitHash,omitempty"`

	// SyncedRefsHash is a hash of the remote's branches and tags as of the
	// last complete sync, and of the settings that shape what is mirrored
	// (spec.deployment, the content limit). A sync that finds the same hash
	// has nothing to do: it fetches nothing and writes no object.
	// +optional
	SyncedRefsHash string `json:"syncedRefsHash,omitempty"`

	// ObservedBranch is the registered branch, once a sync found it on the
	// remote. spec.git.createBranch does not create again a branch that
	// was seen and is gone (a remote emptied or re-created by mistake):
	// every revision mirrored from it would go with it.
	// +optional
	ObservedBranch string `json:"observedBranch,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:path=repositories,singular=repository,shortName=repo,categories=porch
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.type`
// +kubebuilder:printcolumn:name="Content",type=string,JSONPath=`.spec.content`
// +kubebuilder:printcolumn:name="Deployment",type=boolean,JSONPath=`.spec.deployment`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Address",type=string,JSONPath=`.spec['git','oci']['repo','registry']`
// +kubebuilder:printcolumn:name="Branch",type=string,JSONPath=`.spec.git.branch`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Repository registers a git repository or OCI registry of packages.
// Its name is a DNS label, since it is the first part of its revisions'
// names; the admission webhook says so, on metadata.name.
type Repository struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +kubebuilder:validation:Required
	Spec   RepositorySpec   `json:"spec"`
	Status RepositoryStatus `json:"status,omitempty"`
}

// RepositoryFinalizer lets the Repository controller remove the objects it
// mirrored before the Repository goes away.
const RepositoryFinalizer = "config.porch.kpt.dev/repositories"

// Branch is the registered branch, main when unset.
func (r *Repository) Branch() string {
	if r.Spec.Git == nil || r.Spec.Git.Branch == "" {
		return DefaultBranch
	}
	return r.Spec.Git.Branch
}

// +kubebuilder:object:root=true

// RepositoryList is a list of Repositories.
type RepositoryList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Repository `json:"items"`
}

func init() {
	SchemeBuilder.Register(&Repository{}, &RepositoryList{})
}

// ControllerReference makes the Repository the controller of the objects
// read from it or authored in it, so that a cluster's garbage collector
// removes them with it, and so that the sync knows them as its own.
func (r *Repository) ControllerReference() metav1.OwnerReference {
	yes := true
	return metav1.OwnerReference{
		APIVersion: GroupVersion.String(), Kind: "Repository",
		Name: r.Name, UID: r.UID, Controller: &yes, BlockOwnerDeletion: &yes,
	}
}
