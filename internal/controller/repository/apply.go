package repository

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// FieldOwner is the field manager of every write the sync makes.
const FieldOwner = client.FieldOwner("porch-repository-sync")

// mirrorKind says how the sync writes one kind of object: which fields it
// owns, and what it creates. A sync writes only what differs.
type mirrorKind[T client.Object] struct {
	// name is the kind's, e.g. "PackageRevision".
	name string
	// empty returns a new object of the kind, to read one into.
	empty func() T
	// mergeOwnSpec copies the spec fields the sync owns from want into
	// have, and says whether that changed anything (see mergeSpec).
	mergeOwnSpec func(have, want T) bool
	// mergeStatus copies the status from want into have, and says whether
	// that changed anything.
	mergeStatus func(have, want T) bool
	// forCreate is the object to create for want. The apiserver ignores the
	// status of a create, which is written afterwards.
	forCreate func(want T) T
	// relax drops from an object what a repository may hold but the schema
	// refuses, and says whether it dropped anything; nil when nothing can go.
	relax func(obj T) bool
	// pending says whether a user's change to the object has not been acted
	// upon yet; nil when users cannot change it. See apply.
	pending func(obj T) bool
	// note says what the sync reports of an object left as wanted, such
	// as what relax dropped; nil when there is never anything.
	note func(have, want T) string
}

// applier writes the difference between wanted and existing objects of one
// repository with a bounded number of concurrent requests, collecting
// every failure rather than stopping at the first.
type applier struct {
	client  client.Client
	owner   types.UID
	group   *errgroup.Group
	writes  atomic.Int64
	mu      sync.Mutex
	errs    []error
	skipped []string
	foreign map[string]bool
	created atomic.Int64
	deleted atomic.Int64
	updated atomic.Int64
	// relabelled counts objects of the Repository whose labels were
	// removed, and which the sync labelled again.
	relabelled atomic.Int64
	// pending counts objects left to the authoring controller this time.
	pending atomic.Int64
	// stale counts writes skipped because the object changed since it was
	// listed: the sync must run again, from a new listing and fetch.
	stale atomic.Int64

	// reader reads from the apiserver, not the cache; nil when unused.
	reader client.Reader
	// refs holds, for each create of a revision or its resources, the
	// ref it was read from (see git.Mirror.HoldRef), which sources name;
	// nil when nothing is held.
	refs    refHolder
	sources map[string]refAt

	// memo records the objects left as wanted, with the digests of what
	// was wanted; nil when nothing is recorded. See syncMemo.
	memo    *repoMemo
	digests map[memoKey]string
	// settled are objects the memo shows as wanted, unchanged since: they
	// are neither read nor written. moved are objects that changed between
	// the listing and their reading: they wait for the next sync.
	settled, moved map[memoKey]bool
}

// refHolder is the mirror's ref guard, as the sync holds it.
type refHolder interface {
	HoldRef(ref, commit string) (holds bool, release func(), err error)
}

// holdSource holds the ref the object named name was read from, if it was
// read from one, and says whether the ref is still as fetched; release it
// once the object is created or not.
func (a *applier) holdSource(name string) (holds bool, release func(), err error) {
	src, ok := a.sources[name]
	if !ok || a.refs == nil {
		return true, func() {}, nil
	}
	return a.refs.HoldRef(src.ref, src.commit)
}

// remember records obj as the apiserver returned it, now as wanted, with
// what was noted of it.
func (a *applier) remember(key memoKey, obj client.Object, note string) {
	if a.memo != nil {
		a.memo.remember(key, obj, a.digests[key], note)
	}
}

// markMoved leaves an object that changed since it was listed to the next sync.
func (a *applier) markMoved(key memoKey) {
	a.moved[key] = true
	a.stale.Add(1)
}

func (a *applier) forget(key memoKey) {
	if a.memo != nil {
		a.memo.forget(key)
	}
}

func newApplier(c client.Client, owner types.UID, workers int) *applier {
	g := &errgroup.Group{}
	g.SetLimit(max(workers, 1))
	return &applier{client: c, owner: owner, group: g, foreign: map[string]bool{}, settled: map[memoKey]bool{}, moved: map[memoKey]bool{}}
}

// leaveAlone records a wanted object that exists and is not the sync's.
func (a *applier) leaveAlone(obj client.Object) {
	a.skip(fmt.Sprintf("%s exists and was not made by this Repository's sync; delete it to let the sync mirror it", describe(obj)))
	a.mu.Lock()
	defer a.mu.Unlock()
	a.foreign[describe(obj)] = true
}

// isForeign says whether a wanted object was left alone as someone else's.
func (a *applier) isForeign(obj client.Object) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.foreign[describe(obj)]
}

func (a *applier) skip(reason string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.skipped = append(a.skipped, reason)
}

// record keeps a failure, if there is one, for the sync's outcome.
func (a *applier) record(err error) {
	if err == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.errs = append(a.errs, err)
}

// wait returns once every write scheduled so far has finished, with every
// failure so far; more writes may be scheduled afterwards.
func (a *applier) wait() error {
	_ = a.group.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	return summarize(a.errs)
}

// execute schedules the writes of a plan: creates, updates of spec and
// status, and deletions; the objects left alone are recorded.
//
// The existing objects were listed before the fetch whose refs the wanted
// ones come from, and every update and delete is conditional on the
// resourceVersion listed. Authoring writes git first and the object after,
// so an object the authoring changed since the listing makes the write fail
// with a conflict, and is skipped, while a change made before the listing
// is in the fetched refs.
func execute[T client.Object](ctx context.Context, a *applier, k mirrorKind[T], p kindPlan[T]) {
	for _, key := range p.forget {
		a.forget(key)
	}
	a.pending.Add(int64(len(p.pending)))
	for _, obj := range p.foreign {
		a.leaveAlone(obj)
	}
	for _, w := range p.creates {
		a.group.Go(func() error { a.record(createObject(ctx, a, k, w)); return nil })
	}
	for _, u := range p.updates {
		a.group.Go(func() error { a.record(updateObject(ctx, a, k, u.have, u.want)); return nil })
	}
	for _, obj := range p.deletes {
		a.group.Go(func() error { a.record(a.delete(ctx, obj)); return nil })
	}
}

// view is what the applier's plans depend on: see planView.
func (a *applier) view() planView {
	return planView{owner: a.owner, settled: a.settled, moved: a.moved}
}

// mergeSpec copies the labels and spec fields the sync owns from want into
// have, and says whether that changed anything. Every kind's labels merge
// alike (mergeOwnLabels).
func (k mirrorKind[T]) mergeSpec(have, want T) bool {
	labels := mergeOwnLabels(have, want)
	spec := k.mergeOwnSpec(have, want)
	return labels || spec
}

func (k mirrorKind[T]) isPending(obj T) bool {
	return k.pending != nil && k.pending(obj)
}

// createObject creates want, then brings its spec and status to what is
// wanted. A revision, or its resources, is created only while the ref it
// was read from is still as fetched: one deleted since, with its object,
// by the authoring controller carrying out a user's deletion, is not
// brought back.
func createObject[T client.Object](ctx context.Context, a *applier, k mirrorKind[T], want T) error {
	obj, created, err := createFromRef(ctx, a, k, want)
	if apierrors.IsAlreadyExists(err) {
		// Not listed: made since the listing, by the authoring controller
		// adopting a revision; or this Repository's with its label removed;
		// or someone else's. See nameTaken.
		return nameTaken(ctx, a, k, want)
	}
	if err != nil || !created {
		return err
	}
	a.writes.Add(1)
	a.created.Add(1)
	_, err = writeChanges(ctx, a, k, obj, want)
	return err
}

// createFromRef creates the object for want while holding the ref it was
// read from, provided that is still as fetched, and says whether it did.
func createFromRef[T client.Object](ctx context.Context, a *applier, k mirrorKind[T], want T) (obj T, created bool, err error) {
	holds, release, err := a.holdSource(want.GetName())
	defer release()
	if err != nil {
		return obj, false, fmt.Errorf("reading the ref of %s: %w", describe(want), err)
	}
	if !holds {
		a.stale.Add(1) // moved or deleted since the fetch: the next sync sees it
		return obj, false, nil
	}
	obj = k.forCreate(want)
	err = a.client.Create(ctx, obj, FieldOwner)
	if apierrors.IsInvalid(err) && k.relax != nil && k.relax(obj) {
		// What was left out is noted by writeChanges, at every sync.
		log.FromContext(ctx).Info("Left out what the schema refused", "object", describe(want), "error", err.Error())
		err = a.client.Create(ctx, obj, FieldOwner)
	}
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return obj, false, fmt.Errorf("creating %s: %w", describe(want), err)
	}
	return obj, err == nil, err
}

// updateObject brings an existing object to what is wanted, writing only what differs.
func updateObject[T client.Object](ctx context.Context, a *applier, k mirrorKind[T], have, want T) error {
	writes, err := writeChanges(ctx, a, k, have, want)
	if writes > 0 {
		a.updated.Add(1)
	}
	return err
}

// writeChanges patches the spec and then the status of have to what is
// wanted, each only when it differs, and says how many writes it made.
// An object left as wanted is remembered as such.
func writeChanges[T client.Object](ctx context.Context, a *applier, k mirrorKind[T], have, want T) (writes int, err error) {
	defer func() { a.writes.Add(int64(writes)) }()
	key := memoKey{k.name, want.GetName()}
	a.forget(key)
	before := have.DeepCopyObject().(T)
	if k.mergeSpec(have, want) {
		err := a.client.Patch(ctx, have, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			a.stale.Add(1) // changed since listed: see apply
			return writes, nil
		}
		if err != nil {
			return writes, fmt.Errorf("updating %s: %w", describe(want), err)
		}
		writes++
	}
	before = have.DeepCopyObject().(T)
	if k.mergeStatus(have, want) {
		err := a.client.Status().Patch(ctx, have, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			a.stale.Add(1)
			return writes, nil
		}
		if err != nil {
			return writes, fmt.Errorf("updating the status of %s: %w", describe(want), err)
		}
		writes++
	}
	note := ""
	if k.note != nil {
		note = k.note(have, want)
	}
	if note != "" {
		a.skip(note)
	}
	a.remember(key, have, note)
	return writes, nil
}

// delete deletes an object that is gone from git. A revision's finalizer
// is removed first, under the same precondition as the deletion: it would
// have the authoring controller delete in git what git no longer holds.
func (a *applier) delete(ctx context.Context, obj client.Object) error {
	if controllerutil.ContainsFinalizer(obj, porchv1alpha1.PackageRevisionFinalizer) {
		obj = obj.DeepCopyObject().(client.Object)
		err := removeRevisionFinalizer(ctx, a.client, obj)
		if apierrors.IsConflict(err) {
			a.stale.Add(1)
			return nil // see below
		}
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("removing the finalizer of %s: %w", describe(obj), err)
		}
		a.writes.Add(1)
	}
	// The resourceVersion is the listed one, or the finalizer removal's.
	err := a.client.Delete(ctx, obj, client.Preconditions{UID: ptrTo(obj.GetUID()), ResourceVersion: ptrTo(obj.GetResourceVersion())})
	if apierrors.IsConflict(err) {
		a.stale.Add(1) // replaced, or changed since listed: see apply
		return nil
	}
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting %s: %w", describe(obj), err)
	}
	a.writes.Add(1)
	a.deleted.Add(1)
	return nil
}

// removeRevisionFinalizer removes the authoring controller's finalizer
// from obj, provided obj is unchanged since read (its resourceVersion), and
// leaves in obj what the apiserver returned.
func removeRevisionFinalizer(ctx context.Context, c client.Client, obj client.Object) error {
	before := obj.DeepCopyObject().(client.Object)
	controllerutil.RemoveFinalizer(obj, porchv1alpha1.PackageRevisionFinalizer)
	return c.Patch(ctx, obj, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
}

func describe(obj client.Object) string {
	kind := fmt.Sprintf("%T", obj)
	if i := strings.LastIndex(kind, "."); i >= 0 {
		kind = kind[i+1:]
	}
	return fmt.Sprintf("%s %q", kind, obj.GetName())
}

func ptrTo[T any](v T) *T { return &v }
