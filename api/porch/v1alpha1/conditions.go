package v1alpha1

// Condition types of a PackageRevision.
const (
	// ConditionReady says whether the revision's task has run and its content
	// is committed in the repository.
	ConditionReady = "Ready"
	// ConditionRendered says whether the package's function pipeline last
	// rendered without error.
	ConditionRendered = "Rendered"
)

// Reasons of PackageRevision conditions.
const (
	// ReasonReady: the revision is in the repository and up to date.
	ReasonReady = "Ready"
	// ReasonPending: the revision's task has not run yet.
	ReasonPending = "Pending"
	// ReasonTaskFailed: the revision's task failed; the message says why.
	ReasonTaskFailed = "TaskFailed"
	// ReasonSourceTooLarge: the clone task's git upstream
	// (spec.tasks[0].clone.upstreamRef.git) would fetch more than the
	// manager's --max-clone-fetch-bytes, so the fetch was stopped and the
	// task failed for good: it is not tried again for this generation.
	ReasonSourceTooLarge = "SourceTooLarge"
	// ReasonRenderSucceeded: the pipeline ran and every function passed.
	ReasonRenderSucceeded = "RenderSucceeded"
	// ReasonRenderFailed: a function of the pipeline failed; see the render status.
	ReasonRenderFailed = "RenderFailed"
	// ReasonContentTooLarge: the package's files exceed the content limit:
	// in Ready, its PackageRevisionResources carry no content; in Rendered,
	// the package given or rendered was not committed.
	ReasonContentTooLarge = "ContentTooLarge"
)

// RepositoryLabel names the Repository that a PackageRevision,
// PackageRevisionResources or PorchPackage was read from.
const RepositoryLabel = "porch.kpt.dev/repository"

// PackageRevisionFinalizer holds a PackageRevision until the authoring
// controller has removed what a user's deletion removes in the repository:
// a draft's or proposal's branch, a revision proposed for deletion, or the
// package itself for the branch's placeholder revision. The sync removes it
// before deleting a revision that is gone from the repository already.
const PackageRevisionFinalizer = "porch.kpt.dev/packagerevision"

// PushOnRenderFailureAnnotation, "true" on a PackageRevision, commits an
// edit whose render failed instead of keeping the previous content.
const PushOnRenderFailureAnnotation = "porch.kpt.dev/push-on-render-failure"
