package webhook

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
)

// Options configure the webhooks.
type Options struct {
	// SystemUsers are the usernames of the product's own controllers, the
	// manager's identity. The PackageRevision and PackageRevisionResources
	// rules guard what only the system may write (the repository sync
	// mirrors published revisions from git; the authoring controller sets
	// spec.revision and the latest label), so its requests pass them.
	SystemUsers []string
	// Remotes says which remotes users may name in Repositories and clone
	// tasks; the controllers hold them to the same policy.
	Remotes git.RemotePolicy
	// MinSyncInterval is the shortest time a Repository's spec.sync.schedule
	// may leave between two syncs (--min-sync-interval);
	// syncschedule.DefaultMinInterval when zero.
	MinSyncInterval time.Duration
	// MaxPackageBytes is the content limit (the manager's
	// --max-package-bytes): a user's spec.resources larger than it, as
	// porchv1alpha1.ResourcesSize measures, is refused. 0 means no limit.
	MaxPackageBytes int64
	// AllowClusterScopedSelectors lets a PackageVariantSet's objectSelector
	// name a kind that is not namespaced; refused when false.
	AllowClusterScopedSelectors bool
}

// SetupWithManager registers every webhook of the product with the manager's
// webhook server, which the manager then starts with its other runnables,
// and the cache indexes the PackageRevision rules list by.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	system := newSystemUsers(opts.SystemUsers)
	remotes := remoteRules{policy: opts.Remotes}
	if err := setupRepositoryWebhook(mgr, system, remotes, opts.MinSyncInterval); err != nil {
		return err
	}
	if err := ctrl.NewWebhookManagedBy(mgr, &configv1alpha1.PackageVariantSet{}).
		WithValidator(countDecisions("packagevariantset", &forUsers[*configv1alpha1.PackageVariantSet]{rules: &PackageVariantSetValidator{
			mapper: mgr.GetRESTMapper(), client: mgr.GetClient(), allowClusterScoped: opts.AllowClusterScopedSelectors},
			system: newSystemUsers(opts.SystemUsers)})).
		Complete(); err != nil {
		return err
	}
	if err := addIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}
	objects := &lookup{cache: mgr.GetClient(), api: mgr.GetAPIReader()}
	if err := ctrl.NewWebhookManagedBy(mgr, &porchv1alpha1.PackageRevision{}).
		WithValidator(countDecisions("packagerevision", &forUsers[*porchv1alpha1.PackageRevision]{rules: &PackageRevisionValidator{objects: objects, client: mgr.GetClient(), remotes: remotes}, system: system})).
		WithDefaulter(&approverRecorder{system: system}).
		Complete(); err != nil {
		return err
	}
	if err := ctrl.NewWebhookManagedBy(mgr, &porchv1alpha1.PackageRevisionResources{}).
		WithValidator(countDecisions("packagerevisionresources", &forUsers[*porchv1alpha1.PackageRevisionResources]{rules: &PackageRevisionResourcesValidator{objects: objects, maxPackageBytes: opts.MaxPackageBytes}, system: system})).
		Complete(); err != nil {
		return err
	}
	return setupStatusWebhooks(mgr, system)
}

// setupStatusWebhooks registers the validators of status writes (see
// status_webhook.go), each on a path of its own: the apiserver sends the
// status subresources there, apart from the main resources.
func setupStatusWebhooks(mgr ctrl.Manager, system systemUsers) error {
	if err := ctrl.NewWebhookManagedBy(mgr, &porchv1alpha1.PackageRevision{}).
		WithValidator(countDecisions("packagerevision-status", &forUsers[*porchv1alpha1.PackageRevision]{rules: revisionStatusRules{}, system: system})).
		WithValidatorCustomPath(revisionStatusPath).
		Complete(); err != nil {
		return err
	}
	return ctrl.NewWebhookManagedBy(mgr, &porchv1alpha1.PackageRevisionResources{}).
		WithValidator(countDecisions("packagerevisionresources-status", &forUsers[*porchv1alpha1.PackageRevisionResources]{rules: resourcesStatusRules{}, system: system})).
		WithValidatorCustomPath(resourcesStatusPath).
		Complete()
}
