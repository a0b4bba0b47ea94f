package packagerevision

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// scope carries one reconcile's objects and what its steps learnt.
type scope struct {
	pr *porchv1alpha1.PackageRevision
	// status patches pr's status from pr as read: at the end of the
	// reconcile, and once before a new revision is adopted (see create).
	status *outcome.Patcher
	// prr is the revision's resources, read uncached; nil when absent.
	prr *porchv1alpha1.PackageRevisionResources
	// pushOnRenderFailure says that a render that failed is committed
	// anyway, as the revision asks (see pushesOnRenderFailure).
	pushOnRenderFailure bool
	// resourcesStatus patches prr's status, with pr's, at the end of the
	// reconcile; nil while prr is.
	resourcesStatus *outcome.Patcher

	repo *configv1alpha1.Repository
	// store reads and writes the repository's revisions.
	store revisionStore
	// state is where the revision stands in git, read when the repository
	// is opened and again after each write.
	state backend.RevisionState
	// refetched says that this reconcile fetched the mirror to confirm
	// what it lacked: see confirmAbsent.
	refetched bool
	// wroteGit says that the reconcile changed the repository; fullSync
	// that it changed what the sync mirrors in a way no ref shows.
	wroteGit, fullSync bool
	// renderedBefore is the Rendered condition before this reconcile's
	// render, when it rendered: the event it tells is of a change.
	renderedBefore *metav1.Condition
	rendered       bool
}

// load reads the revision and its resources; nil when the revision is gone
// or another manager's (see shard).
// The revision is read from the cache and, when that copy has work in the
// repository, again from the apiserver (see confirm).
func (r *Reconciler) load(ctx context.Context, key types.NamespacedName) (*scope, error) {
	pr := &porchv1alpha1.PackageRevision{}
	if err := r.Get(ctx, key, pr); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	if owned, err := r.Shard.Owns(ctx, r.Client, pr.Namespace, pr.Spec.RepositoryName); err != nil || !owned {
		return nil, err
	}
	s := &scope{pr: pr, status: outcome.NewPatcher(pr, FieldOwner)}
	if !s.mayNeedResources() {
		return s, nil
	}
	prr := &porchv1alpha1.PackageRevisionResources{}
	switch err := r.APIReader.Get(ctx, key, prr); {
	case err == nil:
		s.setResources(prr)
	case !apierrors.IsNotFound(err):
		return nil, err
	}
	if !s.repositoryWorkPending() {
		return s, nil
	}
	return r.confirm(ctx, s)
}

// confirm reads the revision again from the apiserver, which a reconcile
// with work to do acts on rather than on its cached copy. The cache lags
// the writes of the reconcile before: the resources' status is written
// first, and its event can bring the next reconcile before the cache has
// the revision's own status write. Acting on that copy would do the step
// again and write its status again, after Ready, under a client that took
// Ready as its cue to write. The resources were read from the apiserver
// already, before this read: they are no older than the revision.
func (r *Reconciler) confirm(ctx context.Context, s *scope) (*scope, error) {
	pr := &porchv1alpha1.PackageRevision{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.pr), pr); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	if pr.ResourceVersion != s.pr.ResourceVersion {
		log.FromContext(ctx).V(1).Info("The cache lagged; acting on the revision as the apiserver holds it",
			"cached", s.pr.ResourceVersion, "current", pr.ResourceVersion)
		s.pr, s.status = pr, outcome.NewPatcher(pr, FieldOwner)
	}
	return s, nil
}

// mayNeedResources says whether a reconcile of the revision may read or
// write its resources, which are read uncached, content and all: a
// Draft's, whose content users edit, a deleted revision's, and one with
// anything else to do. It asks actionNeeded before the resources are
// read, which for a revision that is no Draft is its answer with them:
// such content cannot be edited (admission refuses it) and its package
// conditions are in git already. Most revisions, as every one a sync
// mirrors from published tags, have nothing to do, and their reconciles
// no longer read the content.
func (s *scope) mayNeedResources() bool {
	draft := s.pr.Spec.Lifecycle == "" || s.pr.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecycleDraft
	return draft || !s.pr.DeletionTimestamp.IsZero() || s.actionNeeded()
}

// editPending says whether the revision's resources hold a generation to
// act on (see PackageRevisionResources.GenerationPending).
func (s *scope) editPending() bool {
	return s.prr != nil && s.prr.GenerationPending()
}

// actionNeeded says whether there is anything for this controller to do.
func (s *scope) actionNeeded() bool {
	if s.pr.MirrorUnfinished() {
		return false
	}
	return s.repositoryWorkPending() || !controllerutil.ContainsFinalizer(s.pr, porchv1alpha1.PackageRevisionFinalizer)
}

// repositoryWorkPending says whether there is anything to do in the
// repository: a spec or an edit to carry out, a step to finish, package
// conditions to record.
func (s *scope) repositoryWorkPending() bool {
	return s.pr.SpecPending() || s.editPending() || s.unfinished() || s.conditionsPending()
}

// unfinished says whether Ready says Pending of a spec the status
// observes: a step went on after its status write and did not end (its
// process died, a later write failed), as a create does that records its
// draft's resources after adopting it. Only a reconcile ends it.
func (s *scope) unfinished() bool {
	ready := meta.FindStatusCondition(s.pr.Status.Conditions, porchv1alpha1.ConditionReady)
	return ready != nil && ready.Reason == porchv1alpha1.ReasonPending && !s.pr.SpecPending()
}

// conditionsPending says whether a Draft's package conditions, which its
// users (the controllers meeting its readiness gates) write in its status,
// are not yet in its Kptfile, where git keeps them: a cluster rebuilt
// from git gets them back.
func (s *scope) conditionsPending() bool {
	if s.pr.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecycleDraft || !s.pr.Adopted() || s.prr == nil || len(s.pr.Status.PackageConditions) == 0 {
		return false
	}
	files := cad.Package(s.prr.Status.Resources)
	return withPackageConditions(files, s.pr.Status.PackageConditions)[cad.KptfileName] != files[cad.KptfileName]
}

// setResources makes prr, as read or made, the revision's resources.
func (s *scope) setResources(prr *porchv1alpha1.PackageRevisionResources) {
	s.prr, s.resourcesStatus = prr, outcome.NewPatcher(prr, FieldOwner)
}

// observedBefore is the generation the revision's status observed as read.
func (s *scope) observedBefore() int64 {
	return s.status.Before().(*porchv1alpha1.PackageRevision).Status.ObservedGeneration
}

// patchSpec writes the metadata and spec of s.pr, changed from before,
// with the given options (a lock, where the change depends on what was
// read). The response holds the stored status, which would replace what
// this reconcile found so far: that is kept, for the status patch at its
// end.
func (r *Reconciler) patchSpec(ctx context.Context, s *scope, before *porchv1alpha1.PackageRevision, opts ...client.MergeFromOption) error {
	found := s.pr.Status.DeepCopy()
	err := r.Patch(ctx, s.pr, client.MergeFromWithOptions(before, opts...), FieldOwner)
	s.pr.Status = *found
	return err
}
