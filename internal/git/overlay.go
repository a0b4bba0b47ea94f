package git

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// overlay is an object store for one write: it reads through to the mirror
// and keeps every object it is given in memory, in the order given. The new
// objects are what a push sends, and the mirror receives them only once the
// push succeeded, so a refused write leaves nothing behind.
type overlay struct {
	base  storer.EncodedObjectStorer
	added map[plumbing.Hash]plumbing.EncodedObject
	order []plumbing.Hash
}

var _ storer.EncodedObjectStorer = (*overlay)(nil)

func newOverlay(base storer.EncodedObjectStorer) *overlay {
	return &overlay{base: base, added: map[plumbing.Hash]plumbing.EncodedObject{}}
}

func (o *overlay) NewEncodedObject() plumbing.EncodedObject { return &plumbing.MemoryObject{} }

func (o *overlay) SetEncodedObject(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h := obj.Hash()
	if _, ok := o.added[h]; !ok {
		o.added[h] = obj
		o.order = append(o.order, h)
	}
	return h, nil
}

func (o *overlay) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if obj, ok := o.added[h]; ok {
		if t != plumbing.AnyObject && obj.Type() != t {
			return nil, plumbing.ErrObjectNotFound
		}
		return obj, nil
	}
	return o.base.EncodedObject(t, h)
}

func (o *overlay) HasEncodedObject(h plumbing.Hash) error {
	if _, ok := o.added[h]; ok {
		return nil
	}
	return o.base.HasEncodedObject(h)
}

func (o *overlay) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if obj, ok := o.added[h]; ok {
		return obj.Size(), nil
	}
	return o.base.EncodedObjectSize(h)
}

// IterEncodedObjects lists only the new objects: nothing in a write needs
// to walk the whole store.
func (o *overlay) IterEncodedObjects(t plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	var objs []plumbing.EncodedObject
	for _, h := range o.order {
		if obj := o.added[h]; t == plumbing.AnyObject || obj.Type() == t {
			objs = append(objs, obj)
		}
	}
	return storer.NewEncodedObjectSliceIter(objs), nil
}

func (o *overlay) AddAlternate(string) error {
	return errors.New("a write's object store takes no alternates")
}

// copyTo stores the new objects in st.
func (o *overlay) copyTo(st storer.EncodedObjectStorer) error {
	for _, h := range o.order {
		if _, err := st.SetEncodedObject(o.added[h]); err != nil {
			return err
		}
	}
	return nil
}
