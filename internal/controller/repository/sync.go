package repository

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/git"
)

// syncOutcome is what a sync did, for the status and the metrics.
type syncOutcome string

const (
	syncSkipped   syncOutcome = ""          // no sync: not a git repository, or the probe failed
	syncUnchanged syncOutcome = "unchanged" // the refs were those of the last sync: nothing fetched or written
	syncDone      syncOutcome = "synced"
	syncFailed    syncOutcome = "failed"
	// syncDeferred: another sync of the namespace waits for a slot; this
	// one comes back when that one is served. Nothing is recorded of it.
	syncDeferred syncOutcome = "deferred"
)

// sync mirrors the repository's package revisions into objects when the
// remote's refs moved since the last complete sync, or when runOnceAt asks.
func (r *Reconciler) sync(ctx context.Context, s *scope) error {
	// Durations count from the start of the reconcile, so that an unchanged
	// sync's includes the ref listing, which is all it costs.
	start := s.now
	s.syncKey = r.syncKey(s)
	key := client.ObjectKeyFromObject(s.repo)
	full := r.SyncRequests.wantsFull(key)
	if !s.plan.runOnceNow && !full && s.syncKey == s.repo.Status.SyncedRefsHash {
		changed, err := r.mirroredChanged(ctx, s.repo)
		if err != nil {
			return err
		}
		if !changed {
			s.outcome = syncUnchanged
			observeSync(s, start)
			return nil
		}
		log.FromContext(ctx).V(1).Info("Mirrored objects were written since the last sync; mirroring them again")
	}
	var wake func(types.NamespacedName)
	if r.SyncRequests != nil {
		wake = r.SyncRequests.wake
	}
	release, err := r.Syncs.AcquireOrDefer(ctx, key, wake)
	if errors.Is(err, ErrDeferred) {
		// Waiting would hold a worker that another namespace's sync may
		// need to reach its turn: see SyncLimiter. A full sync asked for
		// stays asked.
		s.outcome = syncDeferred
		observeSync(s, start)
		return nil
	}
	if err != nil {
		return err
	}
	defer release()
	r.SyncRequests.takeFull(key)
	ctx, cancel := context.WithTimeout(ctx, r.Options.SyncTimeout)
	defer cancel()

	err = r.fetchAndMirror(ctx, s)
	s.outcome = syncDone
	if err != nil {
		s.outcome = syncFailed
	}
	observeSync(s, start)
	return err
}

// observeSync records a sync that began at start in the metrics.
func observeSync(s *scope, start time.Time) {
	syncDuration.WithLabelValues(string(s.outcome)).Observe(time.Since(start).Seconds())
	syncsByNamespace.WithLabelValues(s.repo.Namespace, string(s.outcome)).Inc()
}

func (r *Reconciler) fetchAndMirror(ctx context.Context, s *scope) error {
	// The objects are listed before the fetch: see apply.
	memo, warm := r.memo.of(s.repo.UID)
	listed, err := r.listObjects(ctx, s.repo, warm)
	if err != nil {
		return err
	}
	found, refs, err := r.read(ctx, s, memo)
	if err != nil {
		return err
	}
	want := mirrorObjects(s.repo, found)
	a := newApplier(r.Client, s.repo.UID, r.Options.WriteWorkers)
	a.memo, a.digests, a.reader = memo, want.digests(), r.APIReader
	a.refs, a.sources = refs, want.sources
	existing, err := r.resolve(ctx, s.repo, listed, a)
	if err != nil {
		return err
	}
	guard := deletionGuard{min: r.Options.MassDeletionMin, percent: r.Options.MassDeletionPercent,
		confirmed: s.repo.Annotations[configv1alpha1.AllowMassDeletionAnnotation], revisions: listed.count(revisionKind.name)}
	held, err := r.write(ctx, a, existing, want, guard)
	if err == nil {
		memo.retain(a.digests)
	}
	syncWrites.WithLabelValues(s.repo.Namespace, s.repo.Name).Add(float64(a.writes.Load()))
	log.FromContext(ctx).Info("Repository synced", "revisions", len(want.revisions), "packages", len(want.packages),
		"created", a.created.Load(), "updated", a.updated.Load(), "relabelled", a.relabelled.Load(), "deleted", a.deleted.Load(), "writes", a.writes.Load(), "pending", a.pending.Load(), "stale", a.stale.Load(),
		"skipped", len(want.skipped), "error", err)
	if err != nil {
		return &outcome.Waiting{Reason: configv1alpha1.ReasonSyncFailed, RequeueAfter: outcome.Jitter(r.Options.RetryInterval),
			Message: fmt.Sprintf("mirroring the package revisions failed, and is retried: %v", err)}
	}
	if held != nil {
		// What git holds was made and updated; the deletions wait for a
		// confirmation, or for the remote to hold the revisions again.
		return &outcome.Waiting{Reason: configv1alpha1.ReasonMassDeletionHeld, RequeueAfter: outcome.Jitter(r.Options.SyncInterval),
			Message: held.message(guard, s.repo)}
	}
	s.revisionCount, s.packageCount, s.branchHash = len(want.revisions), len(want.packages), found.BranchCommit
	s.resync = a.stale.Load() > 0
	s.skipped = append(want.skipped, a.skipped...)
	sort.Strings(s.skipped)
	return nil
}

// read reads every package revision of the repository's remote: a git
// repository's through its local mirror, fetched first, which also holds
// the refs the sync's creates follow (see git.Mirror.HoldRef); an OCI
// repository's from the registry, by the listing the probe made.
func (r *Reconciler) read(ctx context.Context, s *scope, memo *repoMemo) (*git.Discovery, refHolder, error) {
	if s.repo.Spec.Type == configv1alpha1.RepositoryTypeOCI {
		found, err := r.readRegistry(ctx, s, memo)
		return found, nil, err
	}
	mirror, err := r.Mirrors.Open(git.MirrorDir(r.Options.CacheDir, string(s.repo.UID)), s.endpoint)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the local mirror: %w", err)
	}
	if err := mirror.Fetch(ctx); err != nil {
		return nil, nil, r.wrap(err)
	}
	found, err := mirror.Discover(git.DiscoverOptions{
		Branch:          s.repo.Branch(),
		Directory:       s.repo.Spec.Git.Directory,
		MaxPackageBytes: r.Options.MaxPackageBytes,
		RepoURL:         git.SafeURL(s.repo.Spec.Git.Repo),
	})
	if err != nil {
		// The mirror is only a cache: a damaged one is dropped, and the next
		// sync fetches it whole. Nothing mirrored is touched meanwhile.
		if rmErr := r.removeMirror(s.repo); rmErr != nil {
			log.FromContext(ctx).Error(rmErr, "Removing a damaged local mirror failed")
		}
		return nil, nil, fmt.Errorf("reading the package revisions of the local mirror, which is dropped and fetched again on the next sync: %w", err)
	}
	return found, mirror, nil
}

// syncKey identifies everything that shapes the mirrored objects: the
// remote's refs, and the settings that change what is made of them. A sync
// whose key is the last complete sync's has nothing to do.
func (r *Reconciler) syncKey(s *scope) string {
	h := sha256.New()
	fmt.Fprintf(h, "refs %s\ndeployment %t\nmax-package-bytes %d\nuid %s\n", s.refsHash, s.repo.Spec.Deployment, r.Options.MaxPackageBytes, s.repo.UID)
	return hex.EncodeToString(h.Sum(nil))
}

// mirroredObjects are the objects in the cluster of one repository.
type mirroredObjects struct {
	packages  []*porchv1alpha1.PorchPackage
	revisions []*porchv1alpha1.PackageRevision
	resources []*porchv1alpha1.PackageRevisionResources
}

// listMirrored lists the repository's objects. Reads go to the apiserver,
// not the cache, so that a sync never acts on a stale view of what an
// earlier sync wrote, and the manager caches no file content.
func (r *Reconciler) listMirrored(ctx context.Context, repo *configv1alpha1.Repository) (*mirroredObjects, error) {
	opts := []client.ListOption{client.InNamespace(repo.Namespace), client.MatchingLabels{porchv1alpha1.RepositoryLabel: repo.Name}}
	packages := &porchv1alpha1.PorchPackageList{}
	revisions := &porchv1alpha1.PackageRevisionList{}
	resources := &porchv1alpha1.PackageRevisionResourcesList{}
	for _, list := range []client.ObjectList{packages, revisions, resources} {
		if err := r.APIReader.List(ctx, list, opts...); err != nil {
			return nil, fmt.Errorf("listing the objects of the repository: %w", err)
		}
	}
	return &mirroredObjects{packages: pointers(packages.Items), revisions: pointers(revisions.Items), resources: pointers(resources.Items)}, nil
}

// write makes the repository's objects in the cluster, as listed in
// existing, match want, with a: it plans the writes of each kind, then
// carries them out. A deletion the guard holds is returned, and no object
// is deleted.
func (r *Reconciler) write(ctx context.Context, a *applier, existing *mirroredObjects, want *mirrored, guard deletionGuard) (*heldDeletion, error) {
	packages := planKind(packageKind, a.view(), existing.packages, want.packages)
	revisions := planKind(revisionKind, a.view(), existing.revisions, want.revisions)
	held := guard.check(revisions.deletes)
	if held != nil {
		packages.holdDeletes()
		revisions.holdDeletes()
	}
	execute(ctx, a, packageKind, packages)
	execute(ctx, a, revisionKind, revisions)
	_ = a.wait()
	// The resources of a revision someone else made are theirs too, and
	// those of a revision whose user change is pending wait with it, as do
	// those of a revision that changed since it was listed.
	pending := map[string]bool{}
	for _, pr := range existing.revisions {
		pending[pr.Name] = revisionKind.isPending(pr)
	}
	for key := range a.moved {
		if key.kind == revisionKind.name {
			pending[key.name] = true
		}
	}
	var wantResources []*porchv1alpha1.PackageRevisionResources
	drafts := map[string]bool{}
	for i, prr := range want.resources {
		if !a.isForeign(want.revisions[i]) && !pending[prr.Name] {
			wantResources = append(wantResources, prr)
		}
		drafts[prr.Name] = want.revisions[i].Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecycleDraft
	}
	var existingResources []*porchv1alpha1.PackageRevisionResources
	for _, prr := range existing.resources {
		// A revision adopted by the authoring controller after the listing
		// was left alone this time; so are its resources.
		adoptedSince := a.isForeign(&porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: prr.Name}})
		if !pending[prr.Name] && !adoptedSince {
			existingResources = append(existingResources, prr)
		}
	}
	kind := draftEdits(resourcesKind, drafts)
	resources := planKind(kind, a.view(), existingResources, wantResources)
	if held != nil {
		resources.holdDeletes()
	}
	execute(ctx, a, kind, resources)
	return held, a.wait()
}

// draftEdits is k with an edit pending only for the resources of a
// revision that git holds as a Draft: users write the files of a Draft
// alone, so resources of any other whose status does not show their
// generation observed hold no edit but a status someone else wrote, which
// the sync puts back rather than leave alone forever.
func draftEdits(k mirrorKind[*porchv1alpha1.PackageRevisionResources], drafts map[string]bool) mirrorKind[*porchv1alpha1.PackageRevisionResources] {
	pending := k.pending
	k.pending = func(prr *porchv1alpha1.PackageRevisionResources) bool {
		return drafts[prr.Name] && pending(prr)
	}
	return k
}

// removeMirror deletes the local mirror of a repository that is going away,
// or that is damaged, once no other controller is using it.
func (r *Reconciler) removeMirror(repo *configv1alpha1.Repository) error {
	return r.Mirrors.Remove(git.MirrorDir(r.Options.CacheDir, string(repo.UID)))
}

func pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}
