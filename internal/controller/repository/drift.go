package repository

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// A sync whose refs did not move fetches and writes nothing. Yet a
// mirrored object may have been written since the last sync left it as
// git has it: its status, by someone allowed to write status, or by a
// request that went round the webhooks. Nothing in git would then ever put
// it back, and its status is what users and tools read as the repository's
// content. mirroredChanged tells, from the manager's cache alone, whether
// that happened: the memo holds the resourceVersion each object had when
// the last sync left it as wanted, and any write moves it. When one moved,
// the sync mirrors as if the refs had, which reads the objects that moved
// and writes back what differs from git, and nothing else.

// mirroredChanged says whether the repository's objects may differ from
// what the last sync of this process left: an object written since, one
// gone, or one of the repository's that the memo does not know (left to
// the authoring controller last time, say). Before this process synced the
// repository (a restart), nothing is known, and the first sync compares
// every object once.
func (r *Reconciler) mirroredChanged(ctx context.Context, repo *configv1alpha1.Repository) (bool, error) {
	memo, warm := r.memo.peek(repo.UID)
	if !warm {
		return true, nil
	}
	owned := map[memoKey]string{}
	err := r.cachedMetadata(ctx, repo, func(kind string, obj *metav1.PartialObjectMetadata) {
		if ownedBy(obj, repo.UID) {
			owned[memoKey{kind, obj.Name}] = obj.ResourceVersion
		}
	})
	if err != nil {
		return false, err
	}
	return memo.differs(owned), nil
}

// cachedMetadata calls visit with the metadata of each object labelled as
// the repository's, of every mirrored kind, from the manager's cache,
// which costs the apiserver nothing. The objects are the cache's own, not
// copies: visit must not change or keep them.
func (r *Reconciler) cachedMetadata(ctx context.Context, repo *configv1alpha1.Repository, visit func(kind string, obj *metav1.PartialObjectMetadata)) error {
	opts := []client.ListOption{client.InNamespace(repo.Namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: repo.Name},
		client.UnsafeDisableDeepCopy}
	for _, kind := range []string{packageKind.name, revisionKind.name, resourcesKind.name} {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(porchv1alpha1.GroupVersion.WithKind(kind + "List"))
		if err := r.List(ctx, list, opts...); err != nil {
			return fmt.Errorf("listing the objects of the repository: %w", err)
		}
		for i := range list.Items {
			visit(kind, &list.Items[i])
		}
	}
	return nil
}

// ownedBy says whether the Repository uid is an owner of obj: its
// controller, or one more owner of a revision a PackageVariant controls.
func ownedBy(obj metav1.Object, uid types.UID) bool {
	for _, ref := range obj.GetOwnerReferences() {
		if ref.UID == uid {
			return true
		}
	}
	return false
}
