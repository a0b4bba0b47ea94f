package outcome

import apierrors "k8s.io/apimachinery/pkg/api/errors"

// LostRace says whether a reconcile's write lost to another writer's: a
// conflict, or a create whose name was taken since the cache was read.
// Such a reconcile starts again from what the other wrote, with backoff,
// and reports nothing of it to users.
func LostRace(err error) bool {
	return apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err)
}
