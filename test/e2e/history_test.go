package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
)

// historyWriters, historyPackages and historyDuration shape the history
// test's load: the 50 writers on 10 packages for 60 s unless
// PORCH_HISTORY_DURATION says otherwise (a Go duration).
const historyWriters, historyPackages = 50, 10

// The attack: 50 writers create, edit, propose, approve, reject and delete
// revisions of 10 packages at once for a minute, through two manager
// replicas, as users racing each other do; each writer records every
// write the apiserver acknowledged. Afterwards a checker reads git and
// holds every acknowledged write to it: each publish has exactly one tag,
// each package's numbers run 1..N with no gap and none twice (the numbers
// of deleted revisions stay burnt), every acknowledged edit is in its
// revision, every acknowledged Draft still exists unless deleted, and git
// and the objects agree.
func TestHistory(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	duration := time.Minute
	if d, err := time.ParseDuration(os.Getenv("PORCH_HISTORY_DURATION")); err == nil {
		duration = d
	}
	work := t.TempDir()
	plane, git, replicas := startTwoReplicas(t, work)
	gitRoot := filepath.Join(work, "git")
	// Fifty writers share a client, as the goroutines of one program do;
	// client-go's default of 5 requests a second would be the bottleneck.
	cfg := rest.CopyConfig(plane.Config)
	cfg.QPS, cfg.Burst = 1000, 2000
	c, err := controlplane.NewClient(cfg, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	createAdmitted(t, c, &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "blueprints", Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: git.RepoURL("blueprints")}}})
	waitRepositoryReady(t, c, "blueprints")
	waitLeader(t, replicas, time.Minute)

	h := &history{c: c, refused: map[string]int{}, why: map[string]string{}}
	start := time.Now()
	deadline := start.Add(duration)
	var writers sync.WaitGroup
	for w := range historyWriters {
		writers.Go(func() { h.write(w, deadline) })
	}
	writers.Wait()
	elapsed := time.Since(start)

	// A create whose source revision was proposed for deletion meanwhile
	// fails, and says so: a write refused, late, not lost. Any other
	// revision not Ready is an anomaly.
	failed := map[string]bool{}
	var anomalies []anomaly
	for name, ready := range h.waitQuiet(t) {
		if ready != nil && ready.Reason == porchv1alpha1.ReasonTaskFailed {
			failed[name] = true
			continue
		}
		anomalies = append(anomalies, anomaly{name: name, what: fmt.Sprintf("%s is not Ready: %+v", name, ready)})
	}
	anomalies = append(anomalies, h.check(t, filepath.Join(gitRoot, "blueprints.git"), failed)...)
	checkAgreement(t, c, filepath.Join(gitRoot, "blueprints.git"))
	counts := map[string]int{}
	for _, a := range h.acked {
		counts[a.op]++
	}
	t.Logf("%d writes acknowledged in %s (%.1f/s; the last carried out %s later) by %d writers on %d packages: %v; refused by admission: %v; outcome unknown: %d; anomalies: %d",
		len(h.acked), duration, float64(len(h.acked))/duration.Seconds(), (elapsed - duration).Round(time.Second), historyWriters, historyPackages, counts, h.refused, len(h.unknown), len(anomalies))
	if len(failed) > 0 {
		t.Logf("creates that failed after admission, saying why: %d", len(failed))
	}
	for op, why := range h.why {
		t.Logf("first refusal of %s: %s", op, why)
	}
	for _, a := range anomalies {
		t.Error(a.what)
		h.logWrites(t, a.name)
	}
	if counts["approve"] == 0 || counts["edit"] == 0 || counts["delete"] == 0 {
		t.Errorf("the load acknowledged %v: too few approvals, edits or deletions to check anything", counts)
	}
}

// history is what the writers did, as the apiserver acknowledged it.
type history struct {
	c       client.Client
	mu      sync.Mutex
	acked   []write
	unknown []write // failed other than by refusal: may have happened
	refused map[string]int
	// why is the first refusal of each operation, to tell a load that
	// exercises the product from one admission turns away.
	why map[string]string
}

// write is one acknowledged write of a revision.
type write struct {
	op                   string // create, edit, propose, approve, reject, delete
	name, pkg, workspace string
	file                 string // the file an edit added
	number               int    // the number of a published revision deleted, or unseenNumber
	writer               int
	at                   time.Time // when it was acknowledged
	uid                  string    // the object's, to tell one made again from the first
}

func (h *history) record(w write, err error) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	w.at = time.Now()
	switch {
	case err == nil:
		h.acked = append(h.acked, w)
		return true
	case apierrors.IsConflict(err) || apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || apierrors.IsNotFound(err) ||
		apierrors.IsAlreadyExists(err) || apierrors.IsBadRequest(err):
		h.refused[w.op]++
		if h.why[w.op] == "" {
			h.why[w.op] = err.Error()
		}
	default:
		h.unknown = append(h.unknown, w)
	}
	return false
}

// attempt is what a writer knows as it picks an operation: the package
// and its revisions as it just listed them.
type attempt struct {
	writer, seq int
	pkg         string
	revisions   []porchv1alpha1.PackageRevision
	rng         *rand.Rand
}

// write runs one writer until deadline: an operation on a package picked
// at random, waiting for the manager to carry out each acknowledged one
// as porchctl does.
func (h *history) write(writer int, deadline time.Time) {
	rng := rand.New(rand.NewPCG(uint64(writer), 17))
	// Weighted so that revisions go the whole way to Published and back
	// out rather than most being deleted as Drafts.
	ops := []func(attempt) (write, client.Object, error){h.create, h.create, h.edit, h.edit, h.edit,
		h.propose, h.propose, h.propose, h.approve, h.approve, h.approve, h.reject, h.delete}
	for seq := 0; time.Now().Before(deadline); seq++ {
		pkg := fmt.Sprintf("p%d", rng.IntN(historyPackages))
		revisions, err := h.revisionsOf(pkg)
		if err != nil {
			continue
		}
		w, obj, err := ops[rng.IntN(len(ops))](attempt{writer: writer, seq: seq, pkg: pkg, revisions: revisions, rng: rng})
		if obj == nil {
			continue // nothing to do it to
		}
		w.pkg, w.writer, w.uid = pkg, writer, string(obj.GetUID())
		if h.record(w, err) {
			h.waitCarriedOut(obj, w.op)
		}
	}
}

// revisionsOf lists the revisions of pkg, but for its branch's placeholder.
func (h *history) revisionsOf(pkg string) ([]porchv1alpha1.PackageRevision, error) {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := h.c.List(context.Background(), list, client.InNamespace("default")); err != nil {
		return nil, err
	}
	var out []porchv1alpha1.PackageRevision
	for _, pr := range list.Items {
		if pr.Spec.PackageName == pkg && pr.Spec.Revision >= 0 && pr.DeletionTimestamp == nil {
			out = append(out, pr)
		}
	}
	return out, nil
}

// pick is one of revisions in lifecycle, or nil.
func pick(revisions []porchv1alpha1.PackageRevision, rng *rand.Rand, lifecycles ...porchv1alpha1.PackageRevisionLifecycle) *porchv1alpha1.PackageRevision {
	var matching []*porchv1alpha1.PackageRevision
	for i := range revisions {
		for _, l := range lifecycles {
			if revisions[i].Spec.Lifecycle == l {
				matching = append(matching, &revisions[i])
			}
		}
	}
	if len(matching) == 0 {
		return nil
	}
	return matching[rng.IntN(len(matching))]
}

// create starts a revision: by init when the package has none, by edit of
// its latest published revision when it has one.
func (h *history) create(a attempt) (write, client.Object, error) {
	var latest *porchv1alpha1.PackageRevision
	for i, pr := range a.revisions {
		if pr.Spec.Lifecycle.IsPublished() && (latest == nil || pr.Spec.Revision > latest.Spec.Revision) {
			latest = &a.revisions[i]
		}
	}
	if len(a.revisions) > 0 && latest == nil {
		return write{}, nil, nil // admission refuses a second init of a package
	}
	pkg, workspace := a.pkg, fmt.Sprintf("w%02d-%d", a.writer, a.seq)
	task := porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: "history"}}
	if latest != nil {
		task = porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: latest.Name}}}
	}
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: porchv1alpha1.RevisionName("blueprints", pkg, workspace)},
		Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: "blueprints", PackageName: pkg, WorkspaceName: workspace,
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, Tasks: []porchv1alpha1.Task{task}},
	}
	err := h.c.Create(context.Background(), pr)
	return write{op: "create", name: pr.Name, workspace: workspace}, pr, err
}

// edit adds a file of its own to a Draft's resources, on top of what the
// resources hold: the last edit asked for, or else what is committed.
func (h *history) edit(a attempt) (write, client.Object, error) {
	pr := pick(a.revisions, a.rng, porchv1alpha1.PackageRevisionLifecycleDraft)
	if pr == nil {
		return write{}, nil, nil
	}
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := h.c.Get(context.Background(), client.ObjectKeyFromObject(pr), prr); err != nil || len(prr.Status.Resources) == 0 {
		return write{}, nil, nil
	}
	base := prr.Spec.Resources
	if len(base) == 0 {
		base = prr.Status.Resources
	}
	file := fmt.Sprintf("edit-w%02d-%d.yaml", a.writer, a.seq)
	prr.Spec.Resources = map[string]string{}
	for name, content := range base {
		prr.Spec.Resources[name] = content
	}
	prr.Spec.Resources[file] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w%02d-%d\n", a.writer, a.seq)
	err := h.c.Update(context.Background(), prr)
	return write{op: "edit", name: pr.Name, workspace: pr.Spec.WorkspaceName, file: file}, prr, err
}

func (h *history) propose(a attempt) (write, client.Object, error) {
	return h.move(a.revisions, a.rng, "propose", porchv1alpha1.PackageRevisionLifecycleDraft, porchv1alpha1.PackageRevisionLifecycleProposed)
}

func (h *history) approve(a attempt) (write, client.Object, error) {
	return h.move(a.revisions, a.rng, "approve", porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecyclePublished)
}

func (h *history) reject(a attempt) (write, client.Object, error) {
	return h.move(a.revisions, a.rng, "reject", porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecycleDraft)
}

// move changes the lifecycle of a revision in from to to, as read: a
// writer whose read is overtaken is refused with a conflict.
func (h *history) move(revisions []porchv1alpha1.PackageRevision, rng *rand.Rand, op string, from, to porchv1alpha1.PackageRevisionLifecycle) (write, client.Object, error) {
	picked := pick(revisions, rng, from)
	if picked == nil {
		return write{}, nil, nil
	}
	// Read again, as porchctl does before it writes: the listing is
	// older, and the manager's status writes alone would make it conflict.
	pr := &porchv1alpha1.PackageRevision{}
	if err := h.c.Get(context.Background(), client.ObjectKeyFromObject(picked), pr); err != nil || pr.Spec.Lifecycle != from {
		return write{}, nil, nil
	}
	pr.Spec.Lifecycle = to
	err := h.c.Update(context.Background(), pr)
	return write{op: op, name: pr.Name, workspace: pr.Spec.WorkspaceName}, pr, err
}

// delete deletes a Draft, a Proposed or a DeletionProposed revision as
// read, or proposes the deletion of a published one.
func (h *history) delete(a attempt) (write, client.Object, error) {
	pr := pick(a.revisions, a.rng, porchv1alpha1.PackageRevisionLifecycleDraft, porchv1alpha1.PackageRevisionLifecycleProposed,
		porchv1alpha1.PackageRevisionLifecyclePublished, porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
	if pr == nil {
		return write{}, nil, nil
	}
	if pr.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecyclePublished {
		return h.move([]porchv1alpha1.PackageRevision{*pr}, a.rng, "propose-delete", porchv1alpha1.PackageRevisionLifecyclePublished, porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
	}
	w := write{op: "delete", name: pr.Name, workspace: pr.Spec.WorkspaceName}
	if pr.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecycleDeletionProposed {
		// Approved and proposed for deletion before the manager recorded
		// its number, it may be deleted with a number no writer saw.
		w.number = max(pr.Spec.Revision, unseenNumber)
	}
	err := h.c.Delete(context.Background(), pr, client.Preconditions{UID: &pr.UID, ResourceVersion: &pr.ResourceVersion})
	return w, pr, err
}

// logWrites logs the acknowledged writes of the revision named name.
func (h *history) logWrites(t *testing.T, name string) {
	t.Helper()
	for _, w := range h.acked {
		if w.name == name {
			t.Logf("  %s: writer %d: %s %s %d (uid %s)", w.at.Format("15:04:05.000"), w.writer, w.op, w.file, w.number, w.uid)
		}
	}
}

// waitCarriedOut waits, up to half a minute, until the manager carried out
// the write of obj: the generation written observed, or the object gone.
// One that takes longer is checked at the end all the same.
func (h *history) waitCarriedOut(obj client.Object, op string) {
	key := client.ObjectKeyFromObject(obj)
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		switch o := obj.(type) {
		case *porchv1alpha1.PackageRevision:
			got := &porchv1alpha1.PackageRevision{}
			err := h.c.Get(context.Background(), key, got)
			if op == "delete" && apierrors.IsNotFound(err) {
				return
			}
			if op != "delete" && err == nil && got.Status.ObservedGeneration >= o.Generation && o.Generation > 0 {
				return
			}
		case *porchv1alpha1.PackageRevisionResources:
			got := &porchv1alpha1.PackageRevisionResources{}
			if err := h.c.Get(context.Background(), key, got); err != nil || got.Status.ObservedGeneration >= o.Generation {
				return
			}
		}
	}
}

// waitQuiet waits until the manager carried out every write: every
// revision's and resources' generation observed, no deletion in progress.
// It returns the revisions that are not Ready, with why.
func (h *history) waitQuiet(t *testing.T) map[string]*metav1.Condition {
	t.Helper()
	c := h.c
	var busy []string
	busyNames := map[string]bool{}
	notReady := map[string]*metav1.Condition{}
	t.Cleanup(func() {
		if !t.Failed() || len(busy) == 0 {
			return
		}
		t.Logf("not carried out: %s", strings.Join(busy, "\n"))
		for name := range busyNames {
			t.Logf("acknowledged writes of %s:", name)
			h.logWrites(t, name)
		}
	})
	waitFor(t, "every write carried out", 3*time.Minute, func() bool {
		busy = busy[:0]
		clear(busyNames)
		clear(notReady)
		revisions := &porchv1alpha1.PackageRevisionList{}
		resources := &porchv1alpha1.PackageRevisionResourcesList{}
		if c.List(context.Background(), revisions, client.InNamespace("default")) != nil ||
			c.List(context.Background(), resources, client.InNamespace("default")) != nil {
			return false
		}
		for _, pr := range revisions.Items {
			if pr.Generation != pr.Status.ObservedGeneration || pr.DeletionTimestamp != nil {
				busyNames[pr.Name] = true
				busy = append(busy, fmt.Sprintf("%s: %s, generation %d, observed %d, deleted %v, tasks %+v, conditions %+v",
					pr.Name, pr.Spec.Lifecycle, pr.Generation, pr.Status.ObservedGeneration, pr.DeletionTimestamp, pr.Spec.Tasks, pr.Status.Conditions))
			}
			if ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady); ready == nil || ready.Status != metav1.ConditionTrue {
				notReady[pr.Name] = ready
			}
		}
		for _, prr := range resources.Items {
			if prr.Generation != prr.Status.ObservedGeneration {
				busyNames[prr.Name] = true
				busy = append(busy, fmt.Sprintf("%s (resources): generation %d, observed %d, %d files asked for, %d committed", prr.Name, prr.Generation, prr.Status.ObservedGeneration, len(prr.Spec.Resources), len(prr.Status.Resources)))
			}
		}
		sort.Strings(busy)
		return len(busy) == 0
	})
	return notReady
}
