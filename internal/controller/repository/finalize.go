package repository

import (
	"context"
	"fmt"

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
// deleted, and its local mirror, then lets it go.
func (r *Reconciler) finalize(ctx context.Context, repo *configv1alpha1.Repository) error {
	if !controllerutil.ContainsFinalizer(repo, configv1alpha1.RepositoryFinalizer) {
		return nil
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
	before := repo.DeepCopy()
	controllerutil.RemoveFinalizer(repo, configv1alpha1.RepositoryFinalizer)
	if err := r.Patch(ctx, repo, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner); err != nil {
		return client.IgnoreNotFound(err)
	}
	log.FromContext(ctx).Info("Repository deleted with its mirrored objects")
	return nil
}
