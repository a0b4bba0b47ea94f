// Package index holds the indexes of the manager's cache that more than one
// part of the product lists by: the reconcilers and the admission webhooks.
// Register adds them once per manager, before the cache starts and before
// any of those parts is set up; an index only one reconciler reads stays in
// its package.
package index

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// RevisionPackageIndex indexes PackageRevisions in the cache by their
// package (PackageKey), for those that read the revisions of one package:
// a PackageVariant's upstream and downstream, a set's upstream, and the
// admission rules of a revision's package.
const RevisionPackageIndex = "porch.spec.package"

// PackageKey names a package of a repository in the indexes.
func PackageKey(repo, pkg string) string { return repo + "/" + pkg }

// Revisions are the indexes of PackageRevisions that Register adds, by
// name, each with the function that keys a revision: for a manager's
// cache, or for a client that a unit test builds.
var Revisions = map[string]client.IndexerFunc{
	RevisionPackageIndex: func(o client.Object) []string {
		pr := o.(*porchv1alpha1.PackageRevision)
		return []string{PackageKey(pr.Spec.RepositoryName, pr.Spec.PackageName)}
	},
}

// Register adds every index of this package to the manager's cache.
func Register(ctx context.Context, indexer client.FieldIndexer) error {
	for name, fn := range Revisions {
		if err := indexer.IndexField(ctx, &porchv1alpha1.PackageRevision{}, name, fn); err != nil {
			return fmt.Errorf("indexing PackageRevisions by %s: %w", name, err)
		}
	}
	return nil
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
