package repository

import (
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// kindPlan is what a sync is to do with the objects of one kind, decided
// before anything is written: planKind makes it from what is wanted and
// what exists, and execute carries it out.
type kindPlan[T client.Object] struct {
	creates []T
	updates []update[T]
	deletes []T
	// pending are left to the authoring controller this time, a user's
	// change to them not yet acted upon; foreign are someone else's,
	// named as this Repository's objects are.
	pending, foreign []T
	// forget are the memo's entries of objects not known to be as wanted
	// after this sync: see syncMemo.
	forget []memoKey
}

// update brings have, an existing object, to want.
type update[T client.Object] struct{ have, want T }

// planView is what a plan depends on besides the objects: whose they are,
// and what the memo and the reading of the objects found. Planning only
// reads it.
type planView struct {
	// owner is the Repository's UID: an object it owns was mirrored from
	// it (and not, say, from an earlier Repository of the same name, or
	// created by a user). The Repository is its controller, or one more
	// owner of a revision that a PackageVariant made and controls.
	owner types.UID
	// settled are objects as wanted since the last sync, unchanged since;
	// moved changed between the listing and their reading. Both are left
	// as they are this time.
	settled, moved map[memoKey]bool
}

// planKind decides, for each wanted and existing object of a kind, what a
// sync does with it. An object whose user change is pending is the
// authoring controller's to act on: the sync neither updates nor deletes
// it, so a user-created revision whose task has not run yet, or whose
// lifecycle change is not yet in git, is never undone by a sync. An
// object this Repository does not own is never written.
func planKind[T client.Object](k mirrorKind[T], v planView, existing, want []T) kindPlan[T] {
	var p kindPlan[T]
	byName := make(map[string]T, len(existing))
	for _, obj := range existing {
		byName[obj.GetName()] = obj
	}
	for _, w := range want {
		key := memoKey{k.name, w.GetName()}
		have, found := byName[w.GetName()]
		delete(byName, w.GetName())
		switch {
		case v.settled[key], v.moved[key]:
		case !found:
			p.creates = append(p.creates, w)
		case k.isPending(have):
			p.pending = append(p.pending, have)
			p.forget = append(p.forget, key)
		case !ownedBy(have, v.owner):
			p.foreign = append(p.foreign, have)
			p.forget = append(p.forget, key)
		default:
			p.updates = append(p.updates, update[T]{have: have, want: w})
		}
	}
	for _, name := range sortedKeys(byName) {
		stale := byName[name]
		p.forget = append(p.forget, memoKey{k.name, name})
		if ownedBy(stale, v.owner) && !k.isPending(stale) {
			p.deletes = append(p.deletes, stale)
		}
	}
	return p
}

// holdDeletes drops the plan's deletions, which wait for a confirmation.
func (p *kindPlan[T]) holdDeletes() { p.deletes = nil }
