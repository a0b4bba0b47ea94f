package packagevariant

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/index"
)

// The cache indexes revisions by package (reconcile.RevisionPackageIndex)
// and by the variants owning them, and variants by the packages they read
// and write, so that a reconcile reads only the revisions it concerns, and
// a revision's change wakes only the variants it concerns (upstream wakes
// every variant of the namespace).
const (
	revisionOwnerIndex = "packagevariant.revision.owner"
	upstreamIndex      = "packagevariant.upstream"
	downstreamIndex    = "packagevariant.downstream"
)

// packageKey names a package of a repository in the indexes.
var packageKey = index.PackageKey

func key(namespace, name string) types.NamespacedName {
	return types.NamespacedName{Namespace: namespace, Name: name}
}

func addIndexes(ctx context.Context, mgr ctrl.Manager) error {
	indexer := mgr.GetFieldIndexer()
	if err := indexer.IndexField(ctx, &porchv1alpha1.PackageRevision{}, revisionOwnerIndex, func(o client.Object) []string {
		var uids []string
		for _, ref := range o.GetOwnerReferences() {
			if ref.Kind == "PackageVariant" && ref.APIVersion == configv1alpha1.GroupVersion.String() {
				uids = append(uids, string(ref.UID))
			}
		}
		return uids
	}); err != nil {
		return err
	}
	if err := indexer.IndexField(ctx, &configv1alpha1.PackageVariant{}, upstreamIndex, func(o client.Object) []string {
		if up := o.(*configv1alpha1.PackageVariant).Spec.Upstream; up != nil {
			return []string{packageKey(up.Repo, up.Package)}
		}
		return nil
	}); err != nil {
		return err
	}
	return indexer.IndexField(ctx, &configv1alpha1.PackageVariant{}, downstreamIndex, func(o client.Object) []string {
		if down := o.(*configv1alpha1.PackageVariant).Spec.Downstream; down != nil {
			return []string{packageKey(down.Repo, down.Package)}
		}
		return nil
	})
}

// revisionsOf lists the revisions of a package, from the cache.
func (r *Reconciler) revisionsOf(ctx context.Context, namespace, repo, pkg string) ([]*porchv1alpha1.PackageRevision, error) {
	return index.RevisionsOf(ctx, r.Client, namespace, repo, pkg)
}

// ownedRevisions lists the revisions the variant owns, wherever they are.
func (r *Reconciler) ownedRevisions(ctx context.Context, pv *configv1alpha1.PackageVariant) ([]*porchv1alpha1.PackageRevision, error) {
	return r.listRevisions(ctx, client.InNamespace(pv.Namespace), client.MatchingFields{revisionOwnerIndex: string(pv.UID)})
}

func (r *Reconciler) listRevisions(ctx context.Context, opts ...client.ListOption) ([]*porchv1alpha1.PackageRevision, error) {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := r.List(ctx, list, opts...); err != nil {
		return nil, err
	}
	out := make([]*porchv1alpha1.PackageRevision, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}
