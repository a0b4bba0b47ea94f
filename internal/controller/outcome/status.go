package outcome

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// StatusPatcher remembers an object as it was read, and patches its status
// subresource once, at the end of a reconcile, only if the status changed.
type StatusPatcher struct {
	before client.Object
}

// NewStatusPatcher snapshots obj.
func NewStatusPatcher(obj client.Object) *StatusPatcher {
	return &StatusPatcher{before: obj.DeepCopyObject().(client.Object)}
}

// Patch writes obj's status if it differs from the snapshot. status returns
// the status field of an object of obj's type, for the comparison.
func (p *StatusPatcher) Patch(ctx context.Context, c client.Client, obj client.Object, status func(client.Object) any) error {
	if equality.Semantic.DeepEqual(status(p.before), status(obj)) {
		return nil
	}
	return c.Status().Patch(ctx, obj, client.MergeFrom(p.before))
}
