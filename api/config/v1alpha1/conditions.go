package v1alpha1

// ConditionReady is the summary condition of every kind in this group.
const ConditionReady = "Ready"

// ConditionStalled says that a PackageVariant or PackageVariantSet cannot make
// progress until its spec or its upstream changes.
const ConditionStalled = "Stalled"

// Reasons of the Repository Ready condition.
const (
	// ReasonReady: the remote answered, the branch exists, credentials work,
	// and the package revisions are mirrored as of the last sync.
	ReasonReady = "Ready"
	// ReasonReconciling: the repository has not been checked yet.
	ReasonReconciling = "Reconciling"
	// ReasonAuthenticationFailed: the remote refused the credentials, or needs some.
	ReasonAuthenticationFailed = "AuthenticationFailed"
	// ReasonSecretNotFound: spec.*.secretRef names a Secret that cannot be read or used.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonBranchNotFound: spec.git.branch does not exist and createBranch
	// is false, or the branch was seen and is gone (createBranch does not
	// create it again: see status.observedBranch).
	ReasonBranchNotFound = "BranchNotFound"
	// ReasonUnreachable: the remote did not answer, or is not a repository.
	ReasonUnreachable = "Unreachable"
	// ReasonInvalidSpec: the spec cannot be acted on, e.g. an address that does not parse.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonSyncFailed: the remote answered but its package revisions could
	// not be mirrored (writing the objects failed); the objects are kept as
	// they were and the sync is retried.
	ReasonSyncFailed = "SyncFailed"
	// ReasonMassDeletionHeld: the remote no longer holds Published
	// revisions, or many of the revisions mirrored from it; the sync made
	// and updated what it holds, but deleted nothing, until the
	// AllowMassDeletionAnnotation confirms that deletion.
	ReasonMassDeletionHeld = "MassDeletionHeld"
	// ReasonError: anything else; the message says what.
	ReasonError = "Error"
)

// PackageVariantAnnotation, in the Kptfile of a package a PackageVariant
// made, names the PackageVariant: after the cluster is rebuilt from git,
// the PackageVariant of that name in the package's namespace takes its
// revisions back, whatever its adoptionPolicy, rather than make new ones.
const PackageVariantAnnotation = "config.porch.kpt.dev/package-variant"

// AllowMassDeletionAnnotation, on a Repository, confirms one deletion its
// sync held (ReasonMassDeletionHeld): its value is the hash the condition's
// message gives, which names exactly the revisions to delete.
const AllowMassDeletionAnnotation = "porch.kpt.dev/allow-mass-deletion"

// Reasons of the PackageVariant and PackageVariantSet conditions.
const (
	// ReasonValidationError: the spec cannot be acted on; the message names
	// the field. Stalled until the spec changes.
	ReasonValidationError = "ValidationError"
	// ReasonUpstreamNotFound: no published revision matches spec.upstream.
	// Stalled, and tried again later.
	ReasonUpstreamNotFound = "UpstreamNotFound"
	// ReasonNoMatchingTargets: a PackageVariantSet's targets select nothing.
	ReasonNoMatchingTargets = "NoMatchingTargets"
	// ReasonDownstreamNotOwned: the downstream package exists and is not the
	// PackageVariant's, and adoptionPolicy does not let it take it over.
	ReasonDownstreamNotOwned = "DownstreamNotOwned"
	// ReasonUpstreamUnknown: a downstream revision does not say which
	// upstream revision it came from, so it cannot be upgraded.
	ReasonUpstreamUnknown = "UpstreamUnknown"
	// ReasonPending: a downstream revision is still being made or edited.
	ReasonPending = "Pending"
)
