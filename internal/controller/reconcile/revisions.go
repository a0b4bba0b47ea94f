package reconcile

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// RevisionPackageIndex indexes PackageRevisions in the cache by their
// package (PackageKey), for the reconcilers that read the revisions of one
// package: a PackageVariant's upstream and downstream, a set's upstream.
// It is registered once per manager, by IndexRevisionsByPackage.
const RevisionPackageIndex = "porch.spec.package"

// PackageKey names a package of a repository in the indexes.
func PackageKey(repo, pkg string) string { return repo + "/" + pkg }

// IndexRevisionsByPackage registers RevisionPackageIndex.
func IndexRevisionsByPackage(ctx context.Context, indexer client.FieldIndexer) error {
	return indexer.IndexField(ctx, &porchv1alpha1.PackageRevision{}, RevisionPackageIndex, func(o client.Object) []string {
		pr := o.(*porchv1alpha1.PackageRevision)
		return []string{PackageKey(pr.Spec.RepositoryName, pr.Spec.PackageName)}
	})
}

// RevisionsOf lists the revisions of a package from the cache, through
// RevisionPackageIndex.
func RevisionsOf(ctx context.Context, c client.Reader, namespace, repo, pkg string) ([]*porchv1alpha1.PackageRevision, error) {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := c.List(ctx, list, client.InNamespace(namespace), client.MatchingFields{RevisionPackageIndex: PackageKey(repo, pkg)}); err != nil {
		return nil, err
	}
	out := make([]*porchv1alpha1.PackageRevision, len(list.Items))
	for i := range list.Items {
		out[i] = &list.Items[i]
	}
	return out, nil
}
