package repository

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// addFinalizer makes sure the Repository is not gone before its mirrored
// objects are: a cluster's garbage collector would remove them through
// their owner references, but not every cluster runs one for us in time.
func (r *Reconciler) addFinalizer(ctx context.Context, repo *configv1alpha1.Repository) error {
	if controllerutil.ContainsFinalizer(repo, configv1alpha1.RepositoryFinalizer) {
		return nil
	}
	before := repo.DeepCopy()
	controllerutil.AddFinalizer(repo, configv1alpha1.RepositoryFinalizer)
	return r.Patch(ctx, repo, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
}

// finalize removes everything mirrored from a Repository that is being
// deleted, and its local mirror, then lets it go. Unregistering a
// repository deletes nothing in git: the revisions' finalizers, which
// would have the authoring controller delete their branches and tags, are
// removed before the revisions are deleted.
func (r *Reconciler) finalize(ctx context.Context, repo *configv1alpha1.Repository) error {
	if !controllerutil.ContainsFinalizer(repo, configv1alpha1.RepositoryFinalizer) {
		return nil
	}
	if err := r.releaseRevisions(ctx, repo); err != nil {
		return err
	}
	opts := []client.DeleteAllOfOption{client.InNamespace(repo.Namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: repo.Name}}
	for _, obj := range []client.Object{&porchv1alpha1.PackageRevisionResources{}, &porchv1alpha1.PackageRevision{}, &porchv1alpha1.PorchPackage{}} {
		if err := r.DeleteAllOf(ctx, obj, opts...); err != nil {
			return fmt.Errorf("deleting the objects mirrored from the repository: %w", err)
		}
	}
	if err := r.removeMirror(repo); err != nil {
		return fmt.Errorf("removing the local mirror: %w", err)
	}
	forgetRepository(repo)
	r.memo.drop(repo.UID)
	before := repo.DeepCopy()
	controllerutil.RemoveFinalizer(repo, configv1alpha1.RepositoryFinalizer)
	if err := r.Patch(ctx, repo, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner); err != nil {
		return client.IgnoreNotFound(err)
	}
	log.FromContext(ctx).Info("Repository deleted with its mirrored objects")
	return nil
}

// releaseRevisions removes the authoring controller's finalizer from every
// PackageRevision of the repository. Only metadata is read, from the
// apiserver, so that a finalizer added since the last sync is seen too. A
// revision changed meanwhile fails the removal with a conflict, and the
// reconcile is retried.
func (r *Reconciler) releaseRevisions(ctx context.Context, repo *configv1alpha1.Repository) error {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(porchv1alpha1.GroupVersion.WithKind("PackageRevisionList"))
	if err := r.APIReader.List(ctx, list, client.InNamespace(repo.Namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: repo.Name}); err != nil {
		return fmt.Errorf("listing the package revisions of the repository: %w", err)
	}
	a := newApplier(r.Client, repo.UID, r.Options.WriteWorkers)
	for i := range list.Items {
		pr := &list.Items[i]
		if !controllerutil.ContainsFinalizer(pr, porchv1alpha1.PackageRevisionFinalizer) {
			continue
		}
		a.group.Go(func() error {
			if err := removeRevisionFinalizer(ctx, r.Client, pr); client.IgnoreNotFound(err) != nil {
				a.record(fmt.Errorf("removing the finalizer of PackageRevision %q: %w", pr.Name, err))
			}
			return nil
		})
	}
	return a.wait()
}
