// Package packagerevision is the authoring controller: it carries out what
// users ask of PackageRevisions and PackageRevisionResources in the
// repository. It runs a new revision's task and commits the draft, renders
// and commits edits of a draft's content, moves revisions through their
// lifecycle (propose, reject, approve, propose deletion), and on deletion
// removes what the revision holds in git.
//
// It acts on what users changed and nothing else: a revision whose
// generation it has observed, and whose resources hold no uncommitted edit,
// is the Repository sync's to mirror. The sync in turn leaves alone what
// users changed and this controller has not acted on yet.
package packagerevision

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/controller/shard"
	"github.com/porch-dev/porch/internal/failpoint"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/tracing"
)

// FieldOwner is the field manager of every write this controller makes.
const FieldOwner = client.FieldOwner("porch-authoring")

// Options tune the authoring controller.
type Options struct {
	// Workers is how many revisions are reconciled at once.
	Workers int
	// RetryInterval is how soon a revision waiting on something outside
	// its spec (a repository that is not ready, an unreachable remote) is
	// tried again.
	RetryInterval time.Duration
	// GitTimeout bounds the git work of one reconcile; a reconcile that
	// renders has PipelineTimeout more.
	GitTimeout time.Duration
	// FunctionTimeout bounds one function's run in a render.
	FunctionTimeout time.Duration
	// PipelineTimeout bounds one render, every function of the package's
	// pipelines.
	PipelineTimeout time.Duration
	// DefaultImagePrefix is put before function images named without a
	// registry or path (see render.Options).
	DefaultImagePrefix string
	// MaxPackageBytes is the content limit: it bounds a package read
	// from a git URL for a clone, and a package given or rendered is
	// committed only within it (porchv1alpha1.ResourcesSize), so that its
	// Draft's resources can always record it. 0 means no limit.
	MaxPackageBytes int64
	// CacheDir holds the local git mirrors, shared with the sync, and
	// the temporary folders of clones from a git URL.
	CacheDir string
	// Remotes says which remotes the manager reaches for users: a clone's
	// git URL and the Repository's remote are checked before any fetch.
	Remotes git.RemotePolicy
	// MaxCloneFetchBytes bounds what a clone from a git URL fetches: the
	// bytes received, counted as they arrive, and what they unpack to. A
	// clone over it fails for good with SourceTooLarge.
	MaxCloneFetchBytes int64
}

// DefaultOptions are the controller's defaults.
var DefaultOptions = Options{Workers: 8, RetryInterval: 30 * time.Second, GitTimeout: 2 * time.Minute, MaxPackageBytes: porchv1alpha1.DefaultMaxPackageBytes,
	FunctionTimeout: 30 * time.Second, PipelineTimeout: 2 * time.Minute, MaxCloneFetchBytes: 64 << 20, DefaultImagePrefix: cad.DefaultImagePrefix}

// SyncRequester asks for a sync of a Repository: after a write to it, or,
// in full, after adopting a revision, which no ref change shows.
type SyncRequester interface {
	Request(namespace, name string)
	RequestFull(namespace, name string)
}

// Reconciler reconciles PackageRevisions and their resources.
type Reconciler struct {
	client.Client
	// APIReader reads uncached: Secrets, and the revisions' resources,
	// whose content the manager does not cache.
	APIReader client.Reader
	Recorder  events.EventRecorder
	// Functions runs the functions of the packages' pipelines.
	Functions cad.FunctionRunner
	Mirrors   *git.Mirrors
	Syncs     SyncRequester
	Options   Options
	// Shard is the Repositories whose revisions this manager authors; the
	// zero one is all.
	Shard shard.Shard

	// conflicts spaces out the retries of revisions that lose races in git.
	conflicts *outcome.Backoff
}

// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions;packagerevisionresources,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions/status;packagerevisionresources/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=porch.kpt.dev,resources=packagerevisions/finalizers,verbs=update
// +kubebuilder:rbac:groups=config.porch.kpt.dev,resources=repositories,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get

// Reconcile does what a user asked of one revision and records the outcome.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, err error) {
	s, err := r.load(ctx, req.NamespacedName)
	if err != nil || s == nil {
		r.conflicts.Forget(req.NamespacedName)
		return ctrl.Result{}, err
	}
	// A render's deadline is its own, so that the git work after it keeps
	// its time.
	ctx, cancel := context.WithTimeout(ctx, r.Options.GitTimeout+r.Options.PipelineTimeout)
	defer cancel()
	ctx = failpoint.WithPackage(ctx, s.pr.Spec.PackageName)
	step, started := s.step(), time.Now()
	ctx, span := startStep(ctx, s, step)
	defer func() {
		r.backOffConflicts(req.NamespacedName, err)
		recordError(s, err)
		currentConditions(s)
		r.tellRendered(s)
		if perr := r.patchStatus(ctx, s); perr != nil && err == nil {
			err = perr
		}
		observeStep(s, step, started, err)
		if step != "" {
			tracing.End(span, err)
		}
		r.askForSync(s)
		result, err = outcome.Result(ctrl.Result{}, err)
	}()
	return ctrl.Result{}, r.steps(ctx, s)
}

// steps are the reconcile's work in order; each stops the rest on error.
func (r *Reconciler) steps(ctx context.Context, s *scope) error {
	if !s.pr.DeletionTimestamp.IsZero() {
		return r.finalize(ctx, s)
	}
	if !s.actionNeeded() {
		return nil
	}
	if err := r.getRepository(ctx, s); err != nil || s.repo == nil {
		return err
	}
	if err := r.addFinalizer(ctx, s); err != nil {
		return err
	}
	if !s.repositoryWorkPending() {
		// Only the finalizer was missing, as on every revision the sync
		// mirrors: the repository is not read for it.
		return nil
	}
	if err := r.openRepository(ctx, s); err != nil {
		return err
	}
	if err := r.create(ctx, s); err != nil {
		return err
	}
	if err := r.edit(ctx, s); err != nil {
		return err
	}
	if err := r.recordInKptfile(ctx, s); err != nil {
		return err
	}
	return r.changeLifecycle(ctx, s)
}

// repositoryIndex indexes revisions by the name of their Repository.
const repositoryIndex = "spec.repository"

// SetupWithManager registers the controller. A revision is reconciled when
// it changes and when its resources do (both share its name), and a
// revision waiting for its Repository when that becomes ready.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.conflicts = outcome.NewConflictBackoff()
	r.Functions = timeFunctions(r.Functions)
	err := mgr.GetFieldIndexer().IndexField(context.Background(), &porchv1alpha1.PackageRevision{}, repositoryIndex,
		func(obj client.Object) []string {
			return []string{obj.(*porchv1alpha1.PackageRevision).Spec.RepositoryName}
		})
	if err != nil {
		return err
	}
	sameName := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, obj client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: obj.GetName()}}}
	})
	return ctrl.NewControllerManagedBy(mgr).
		Watches(&configv1alpha1.Repository{}, handler.EnqueueRequestsFromMapFunc(r.waitingOn),
			builder.WithPredicates(becameReady())).
		For(&porchv1alpha1.PackageRevision{}).
		// Only the metadata of resources is cached (their generation says
		// a user edited them): their content is read when needed.
		Watches(&porchv1alpha1.PackageRevisionResources{}, sameName,
			builder.OnlyMetadata, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: max(r.Options.Workers, 1)}).
		Named("packagerevision").
		Complete(r)
}
