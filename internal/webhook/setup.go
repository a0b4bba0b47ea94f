package webhook

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Options configure the webhooks.
type Options struct {
	// SystemUsers are the usernames of the product's own controllers, the
	// manager's identity. The PackageRevision and PackageRevisionResources
	// rules guard what only the system may write (the repository sync
	// mirrors published revisions from git; the authoring controller sets
	// spec.revision and the latest label), so its requests pass them.
	SystemUsers []string
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
	if err := setupRepositoryWebhook(mgr); err != nil {
		return err
	}
	if err := ctrl.NewWebhookManagedBy(mgr, &configv1alpha1.PackageVariantSet{}).
		WithValidator(&forUsers[*configv1alpha1.PackageVariantSet]{rules: &PackageVariantSetValidator{
			mapper: mgr.GetRESTMapper(), client: mgr.GetClient(), allowClusterScoped: opts.AllowClusterScopedSelectors},
			system: newSystemUsers(opts.SystemUsers)}).
		Complete(); err != nil {
		return err
	}
	if err := addIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}
	objects := &lookup{cache: mgr.GetClient(), api: mgr.GetAPIReader()}
	system := newSystemUsers(opts.SystemUsers)
	if err := ctrl.NewWebhookManagedBy(mgr, &porchv1alpha1.PackageRevision{}).
		WithValidator(&forUsers[*porchv1alpha1.PackageRevision]{rules: &PackageRevisionValidator{objects: objects, client: mgr.GetClient()}, system: system}).
		WithDefaulter(&approverRecorder{system: system}).
		Complete(); err != nil {
		return err
	}
	return ctrl.NewWebhookManagedBy(mgr, &porchv1alpha1.PackageRevisionResources{}).
		WithValidator(&forUsers[*porchv1alpha1.PackageRevisionResources]{rules: &PackageRevisionResourcesValidator{objects: objects, maxPackageBytes: opts.MaxPackageBytes}, system: system}).
		Complete()
}
