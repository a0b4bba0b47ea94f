package v1alpha1

// TaskType names the operation that created a revision.
// +kubebuilder:validation:Enum=init;clone;edit;upgrade
type TaskType string

const (
	TaskTypeInit    TaskType = "init"
	TaskTypeClone   TaskType = "clone"
	TaskTypeEdit    TaskType = "edit"
	TaskTypeUpgrade TaskType = "upgrade"
)

// Task is the operation that created a revision. Exactly the field named by
// type is set.
// +kubebuilder:validation:XValidation:rule="self.type != 'init' || (!has(self.clone) && !has(self.edit) && !has(self.upgrade))",message="a task of type init may set only init"
// +kubebuilder:validation:XValidation:rule="self.type != 'clone' || (has(self.clone) && !has(self.init) && !has(self.edit) && !has(self.upgrade))",message="a task of type clone needs clone and may set nothing else"
// +kubebuilder:validation:XValidation:rule="self.type != 'edit' || (has(self.edit) && !has(self.init) && !has(self.clone) && !has(self.upgrade))",message="a task of type edit needs edit and may set nothing else"
// +kubebuilder:validation:XValidation:rule="self.type != 'upgrade' || (has(self.upgrade) && !has(self.init) && !has(self.clone) && !has(self.edit))",message="a task of type upgrade needs upgrade and may set nothing else"
type Task struct {
	// Type is init, clone, edit or upgrade.
	Type TaskType `json:"type"`
	// +optional
	Init *PackageInitTaskSpec `json:"init,omitempty"`
	// +optional
	Clone *PackageCloneTaskSpec `json:"clone,omitempty"`
	// +optional
	Edit *PackageEditTaskSpec `json:"edit,omitempty"`
	// +optional
	Upgrade *PackageUpgradeTaskSpec `json:"upgrade,omitempty"`
}

// PackageInitTaskSpec creates a new package from nothing.
type PackageInitTaskSpec struct {
	// Subpackage is a folder in which to initialise a subpackage; empty for the package itself.
	// +kubebuilder:validation:MaxLength=200
	// +optional
	Subpackage string `json:"subpackage,omitempty"`
	// Description is a short description of the package.
	// +optional
	Description string `json:"description,omitempty"`
	// Keywords describe the package.
	// +optional
	Keywords []string `json:"keywords,omitempty"`
	// Site is a link to a page about the package.
	// +optional
	Site string `json:"site,omitempty"`
}

// PackageCloneTaskSpec copies an upstream package into a new package.
type PackageCloneTaskSpec struct {
	// Upstream is the package to clone.
	Upstream UpstreamPackage `json:"upstreamRef"`
	// Strategy is how later upgrades of the clone merge, recorded in its
	// Kptfile's upstream.updateStrategy; resource-merge when empty.
	// +optional
	Strategy PackageMergeStrategy `json:"strategy,omitempty"`
}

// PackageEditTaskSpec starts a new revision from a published revision of the same package.
type PackageEditTaskSpec struct {
	// Source is the published revision to start from.
	Source *PackageRevisionRef `json:"sourceRef"`
}

// PackageUpgradeTaskSpec merges the changes between two upstream revisions
// into a local revision.
type PackageUpgradeTaskSpec struct {
	// OldUpstream is the upstream revision the local revision was cloned from
	// or last upgraded to: the common ancestor of the merge.
	OldUpstream PackageRevisionRef `json:"oldUpstreamRef"`
	// NewUpstream is the upstream revision to upgrade to.
	NewUpstream PackageRevisionRef `json:"newUpstreamRef"`
	// LocalPackageRevisionRef is the local revision carrying the local changes.
	LocalPackageRevisionRef PackageRevisionRef `json:"localPackageRevisionRef"`
	// Strategy decides how changes are merged; resource-merge when empty.
	// +optional
	Strategy PackageMergeStrategy `json:"strategy,omitempty"`
}

// PackageMergeStrategy decides how an upgrade merges upstream and local changes.
//   - resource-merge: structural 3-way merge of resources (the default).
//   - fast-forward: fail unless the local package is unchanged since it was fetched.
//   - force-delete-replace: discard local changes and take the new upstream.
//   - copy-merge: copy upstream files over the local package.
//
// +kubebuilder:validation:Enum=resource-merge;fast-forward;force-delete-replace;copy-merge
type PackageMergeStrategy string

const (
	ResourceMerge      PackageMergeStrategy = "resource-merge"
	FastForward        PackageMergeStrategy = "fast-forward"
	ForceDeleteReplace PackageMergeStrategy = "force-delete-replace"
	CopyMerge          PackageMergeStrategy = "copy-merge"
)

// RepositoryType is the storage kind of an upstream.
// +kubebuilder:validation:Enum=git;oci
type RepositoryType string

const (
	RepositoryTypeGit RepositoryType = "git"
	RepositoryTypeOCI RepositoryType = "oci"
)

// UpstreamPackage locates a package to clone: a git location, an OCI image,
// or a PackageRevision in a registered repository. Exactly one is set.
// +kubebuilder:validation:XValidation:rule="[has(self.git), has(self.oci), has(self.upstreamRef)].filter(x, x).size() == 1",message="exactly one of git, oci and upstreamRef must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.type) || self.type != 'git' || has(self.git)",message="git is required when type is git"
// +kubebuilder:validation:XValidation:rule="!has(self.type) || self.type != 'oci' || has(self.oci)",message="oci is required when type is oci"
type UpstreamPackage struct {
	// Type is git or oci; empty when upstreamRef is used.
	// +optional
	Type RepositoryType `json:"type,omitempty"`
	// Git locates the package in a git repository.
	// +optional
	Git *GitPackage `json:"git,omitempty"`
	// Oci locates the package as an OCI image.
	// +optional
	Oci *OciPackage `json:"oci,omitempty"`
	// UpstreamRef names a PackageRevision in a registered repository.
	// +optional
	UpstreamRef *PackageRevisionRef `json:"upstreamRef,omitempty"`
}

// GitPackage is a package at a ref and folder of a git repository.
type GitPackage struct {
	// Repo is the repository address, such as https://example.com/blueprints.git.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Repo string `json:"repo"`
	// Ref is a branch, tag or commit.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	Ref string `json:"ref"`
	// Directory is the package's folder in the repository.
	// +kubebuilder:validation:MaxLength=1024
	Directory string `json:"directory"`
	// SecretRef names a Secret with the credentials to read the repository.
	// +optional
	SecretRef SecretRef `json:"secretRef,omitempty"`
}

// OciPackage is a package stored as an OCI image.
type OciPackage struct {
	// Image is the image address: host/repository:tag or
	// host/repository@sha256:..., with or without an oci:// prefix.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Image string `json:"image"`
	// SecretRef names a Secret with the credentials to read the image: a
	// basic-auth Secret (username, password), a bearer token (token), or a
	// kubernetes.io/dockerconfigjson Secret; ca.crt adds a private CA.
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

// PackageRevisionRef names a PackageRevision in the same namespace.
type PackageRevisionRef struct {
	// Name of the PackageRevision.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}
