package repository

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// fullReadLimit is how many objects a sync reads one by one; beyond it,
// one list of every object costs less.
const fullReadLimit = 64

// listing is what a sync read of the repository's objects before its fetch:
// every object whole (full), or the resourceVersion of each (meta) when
// the memo of an earlier sync can spare reading most of them.
type listing struct {
	full *mirroredObjects
	meta map[memoKey]string
}

// count is how many objects of a kind were listed.
func (l *listing) count(kind string) int {
	if l.full != nil {
		switch kind {
		case revisionKind.name:
			return len(l.full.revisions)
		case resourcesKind.name:
			return len(l.full.resources)
		default:
			return len(l.full.packages)
		}
	}
	n := 0
	for key := range l.meta {
		if key.kind == kind {
			n++
		}
	}
	return n
}

// listObjects lists the repository's objects, whole from the apiserver
// when warm is false. Otherwise their metadata comes from the manager's
// cache, which costs the apiserver nothing: the cache is at most a little
// older than the apiserver, which is as good as a listing made before the
// fetch, and resolve reads from the apiserver every object it compares.
func (r *Reconciler) listObjects(ctx context.Context, repo *configv1alpha1.Repository, warm bool) (*listing, error) {
	if !warm {
		full, err := r.listMirrored(ctx, repo)
		return &listing{full: full}, err
	}
	meta := map[memoKey]string{} // resourceVersions
	err := r.cachedMetadata(ctx, repo, func(kind string, obj *metav1.PartialObjectMetadata) {
		meta[memoKey{kind, obj.Name}] = obj.ResourceVersion
	})
	return &listing{meta: meta}, err
}

// resolve returns the listed objects the sync must compare with what is
// wanted, whole. Those the memo shows as wanted and unchanged are marked
// settled in a, and not read. The others are read now, after the fetch,
// and kept only when unchanged since the listing, since apply relies on
// existing being older than the fetch; those that changed are marked
// moved, and wait for the next sync.
func (r *Reconciler) resolve(ctx context.Context, repo *configv1alpha1.Repository, l *listing, a *applier) (*mirroredObjects, error) {
	if l.full != nil {
		return l.full, nil
	}
	need := map[memoKey]string{} // key -> resourceVersion listed
	for key, resourceVersion := range l.meta {
		if want, wanted := a.digests[key]; wanted {
			if note, ok := a.memo.settled(key, resourceVersion, want); ok {
				a.settled[key] = true
				if note != "" {
					a.skip(note)
				}
				continue
			}
		}
		need[key] = resourceVersion
	}
	existing := &mirroredObjects{}
	if len(need) > fullReadLimit {
		full, err := r.listMirrored(ctx, repo)
		if err != nil {
			return nil, err
		}
		existing.packages = pick(a, packageKind, full.packages, need)
		existing.revisions = pick(a, revisionKind, full.revisions, need)
		existing.resources = pick(a, resourcesKind, full.resources, need)
		return existing, nil
	}
	var err error
	if existing.packages, err = read(ctx, r.APIReader, a, repo.Namespace, packageKind, need); err != nil {
		return nil, err
	}
	if existing.revisions, err = read(ctx, r.APIReader, a, repo.Namespace, revisionKind, need); err != nil {
		return nil, err
	}
	if existing.resources, err = read(ctx, r.APIReader, a, repo.Namespace, resourcesKind, need); err != nil {
		return nil, err
	}
	return existing, nil
}

// read gets the needed objects of one kind, keeping those still at the
// listed resourceVersion.
func read[T client.Object](ctx context.Context, c client.Reader, a *applier, namespace string, k mirrorKind[T], need map[memoKey]string) ([]T, error) {
	var keys []memoKey
	for key := range need {
		if key.kind == k.name {
			keys = append(keys, key)
		}
	}
	got := make([]T, len(keys))
	present := make([]bool, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, key := range keys {
		g.Go(func() error {
			obj := k.empty()
			err := c.Get(gctx, client.ObjectKey{Namespace: namespace, Name: key.name}, obj)
			if apierrors.IsNotFound(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading %s %q: %w", k.name, key.name, err)
			}
			got[i], present[i] = obj, true
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []T
	for i, key := range keys {
		if !present[i] || got[i].GetResourceVersion() != need[key] {
			a.markMoved(key)
			continue
		}
		out = append(out, got[i])
	}
	return out, nil
}

// pick keeps, of a full listing, the needed objects still at the listed
// resourceVersion.
func pick[T client.Object](a *applier, k mirrorKind[T], objs []T, need map[memoKey]string) []T {
	found := map[memoKey]bool{}
	var out []T
	for _, obj := range objs {
		key := memoKey{k.name, obj.GetName()}
		listed, needed := need[key]
		if !needed {
			continue // settled, or made since the listing: apply must not see it
		}
		found[key] = true
		if obj.GetResourceVersion() != listed {
			a.markMoved(key)
			continue
		}
		out = append(out, obj)
	}
	for key := range need {
		if key.kind == k.name && !found[key] {
			a.markMoved(key) // deleted since the listing
		}
	}
	return out
}
