package repository

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// takenName is what a sync makes of an object it wants to create but
// whose name is taken by one it did not list. The sync lists a repository's
// objects by their porch.kpt.dev/repository label, so an object of its own
// whose label someone removed or changed is not listed, and without this
// every sync would try to create it again, fail, and run again.
type takenName int

const (
	// takenByOther: not this Repository's (no owner reference to it). It
	// is left alone and named in the Repository's Ready message.
	takenByOther takenName = iota
	// takenUnlabelled: this Repository's, without its repository label
	// (or with another value). The labels the sync owns are patched back,
	// and the next sync, which lists it again, compares the rest.
	takenUnlabelled
	// takenSinceListed: this Repository's and labelled so, made after the
	// listing (the authoring controller adopting a revision). The next
	// sync compares it.
	takenSinceListed
)

// planTaken says what the object have, which holds the name of want, is
// to the sync of the Repository whose UID is owner. It is recognised as
// the Repository's by its owner reference, which, unlike a label, names
// the Repository by UID: one of the same name made earlier, or a user,
// cannot pass for it.
func planTaken(owner types.UID, have, want client.Object) takenName {
	switch {
	case !ownedBy(have, owner):
		return takenByOther
	case have.GetLabels()[porchv1alpha1.RepositoryLabel] != want.GetLabels()[porchv1alpha1.RepositoryLabel]:
		return takenUnlabelled
	default:
		return takenSinceListed
	}
}

// nameTaken handles a create of want that found its name taken: see
// takenName. It never writes anything but the synced labels, and only to
// an object the Repository owns, unchanged since read.
func nameTaken[T client.Object](ctx context.Context, a *applier, k mirrorKind[T], want T) error {
	var reader client.Reader = a.client
	if a.reader != nil {
		reader = a.reader
	}
	have := k.empty()
	if err := reader.Get(ctx, client.ObjectKeyFromObject(want), have); err != nil {
		if apierrors.IsNotFound(err) {
			a.stale.Add(1) // deleted since: the next sync creates it
			return nil
		}
		return fmt.Errorf("reading %s, whose name is taken: %w", describe(want), err)
	}
	switch planTaken(a.owner, have, want) {
	case takenByOther:
		a.leaveAlone(want)
		return nil
	case takenSinceListed:
		a.stale.Add(1)
		return nil
	}
	before := have.DeepCopyObject().(T)
	have.SetLabels(mergeLabels(copyMap(have.GetLabels()), want.GetLabels()))
	err := a.client.Patch(ctx, have, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
	if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
		a.stale.Add(1)
		return nil
	}
	if err != nil {
		return fmt.Errorf("restoring the labels of %s: %w", describe(want), err)
	}
	log.FromContext(ctx).Info("Restored the labels of a mirrored object", "object", describe(want))
	a.writes.Add(1)
	a.relabelled.Add(1)
	a.stale.Add(1) // the rest is compared by the next sync, which lists it
	return nil
}
