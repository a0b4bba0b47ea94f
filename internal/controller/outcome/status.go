package outcome

import (
	"context"
	"reflect"

	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Patcher writes an object's status subresource at the end of a
// reconcile, once, from a snapshot of the object as read, only when the
// status changed, and as the controller's field owner. Every controller
// patches its status through one.
type Patcher struct {
	before client.Object
	owner  client.FieldOwner
}

// NewPatcher snapshots obj, whose status owner writes.
func NewPatcher(obj client.Object, owner client.FieldOwner) *Patcher {
	return &Patcher{before: obj.DeepCopyObject().(client.Object), owner: owner}
}

// Patch writes obj's status if it differs from the snapshot, which it then
// takes again. An object gone meanwhile is no error: it went with its
// finalizer.
func (p *Patcher) Patch(ctx context.Context, c client.Client, obj client.Object) error {
	if equality.Semantic.DeepEqual(status(p.before), status(obj)) {
		return nil
	}
	if err := c.Status().Patch(ctx, obj, client.MergeFrom(p.before), p.owner); err != nil {
		return client.IgnoreNotFound(err)
	}
	p.before = obj.DeepCopyObject().(client.Object)
	return nil
}

// Reset takes the snapshot again, from obj as a write of its other parts
// (metadata, spec) returned it, before the steps changed its status.
func (p *Patcher) Reset(obj client.Object) { p.before = obj.DeepCopyObject().(client.Object) }

// Before is the object as last read or patched.
func (p *Patcher) Before() client.Object { return p.before }

// status is the Status field of one of the product's kinds, all of which
// have one.
func status(obj client.Object) any {
	return reflect.ValueOf(obj).Elem().FieldByName("Status").Interface()
}
