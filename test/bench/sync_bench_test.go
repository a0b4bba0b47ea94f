package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	corev1 "k8s.io/api/core/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// BenchmarkSyncLargeRepository registers one repository of 1,000 packages
// with 3 published revisions each (4,000 PackageRevisions with the branch
// placeholders) and measures the first sync, the manager's peak memory, and
// what a sync that finds no change costs.
func BenchmarkSyncLargeRepository(b *testing.B) {
	packages, revisions := scaled(1000), 3
	for range b.N {
		r := newRig(b, syncInterval(10*time.Second))
		if err := Generate(filepath.Join(r.gitRoot, "large.git"), packages, revisions); err != nil {
			b.Fatal(err)
		}
		ns := r.namespace("large")
		want := packages * (revisions + 1)

		repo := r.register(ns, "large")
		initial := r.waitFor("all package revisions present", 15*time.Minute, func() bool {
			return r.synced(repo, want)
		})
		if got := r.count(ns, &metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: "porch.kpt.dev/v1alpha1", Kind: "PackageRevisionList"}}); got != want {
			b.Fatalf("%d PackageRevisions, want %d", got, want)
		}
		peakAfterSync := r.peakRSS()
		b.Logf("%d package revisions mirrored in %v; manager peak RSS %.0f MiB", want, initial, peakAfterSync)

		var fetchesBefore, fetchesAfter int
		unchanged := r.unchangedSyncs(func() { _, fetchesBefore, _, _ = r.git.snapshot() }, func() { _, fetchesAfter, _, _ = r.git.snapshot() })

		b.ReportMetric(initial.Seconds(), "s-to-all-revisions")
		b.ReportMetric(float64(want)/initial.Seconds(), "revisions/s")
		b.ReportMetric(peakAfterSync, "MiB-peak-rss")
		b.ReportMetric(unchanged.msPerSync, "ms/no-change-sync")
		b.ReportMetric(unchanged.writes, "writes/no-change-syncs")
		b.ReportMetric(float64(fetchesAfter-fetchesBefore), "fetches/no-change-syncs")
		if unchanged.writes != 0 || fetchesAfter != fetchesBefore {
			b.Errorf("syncs without change wrote %v objects and fetched %d times; want none", unchanged.writes, fetchesAfter-fetchesBefore)
		}
	}
}

// BenchmarkSyncManyRepositories registers 100 repositories of 10 packages
// with 3 published revisions each at once, and measures the time until all
// are Ready and mirrored, the manager's peak memory, and how syncs spread:
// the most fetches at once and the busiest second of ref listings.
func BenchmarkSyncManyRepositories(b *testing.B) {
	const packages, revisions, maxSyncs = 10, 3, 4
	repositories := scaled(100)
	for range b.N {
		r := newRig(b, syncInterval(20*time.Second), fmt.Sprintf("--max-concurrent-syncs=%d", maxSyncs))
		for i := range repositories {
			if err := Generate(filepath.Join(r.gitRoot, fmt.Sprintf("r%03d.git", i)), packages, revisions); err != nil {
				b.Fatal(err)
			}
		}
		ns := r.namespace("many")
		want := packages * (revisions + 1)
		repos := make([]*configv1alpha1.Repository, repositories)
		for i := range repos {
			repos[i] = r.register(ns, fmt.Sprintf("r%03d", i))
		}
		initial := r.waitFor("all repositories Ready", 15*time.Minute, func() bool {
			for _, repo := range repos {
				if !r.synced(repo, want) {
					return false
				}
			}
			return true
		})
		_, _, peakFetches, busiestInitial := r.git.snapshot()
		peakAfterSync := r.peakRSS()

		// Two more rounds of the sync period: every sync lists refs and finds nothing new.
		listingsBefore, fetchesBefore, _, _ := r.git.snapshot()
		period := quickly(45 * time.Second)
		time.Sleep(period) // a benchmark observes a period of time; no test waits like this
		listingsAfter, fetchesAfter, _, busiestSteady := r.git.snapshot()

		b.ReportMetric(initial.Seconds(), "s-to-all-ready")
		b.ReportMetric(peakAfterSync, "MiB-peak-rss")
		b.ReportMetric(float64(peakFetches), "max-fetches-at-once")
		b.ReportMetric(float64(busiestInitial), "max-listings/s-initial")
		b.ReportMetric(float64(listingsAfter-listingsBefore), fmt.Sprintf("listings-in-%.0fs", period.Seconds()))
		b.ReportMetric(float64(busiestSteady), "max-listings/s-steady")
		b.ReportMetric(float64(fetchesAfter-fetchesBefore), fmt.Sprintf("fetches-in-%.0fs", period.Seconds()))
		if peakFetches > maxSyncs {
			b.Errorf("%d fetches ran at once; the limit is %d", peakFetches, maxSyncs)
		}
	}
}

// unchangedCost is what syncs that found nothing to do cost.
type unchangedCost struct {
	writes, msPerSync, syncs float64
}

// unchangedSyncs waits until a periodic sync finds nothing to do, then for
// two more, and says what those two cost; before and after run around
// them, for the caller's own counts. The revisions are all there before
// the first sync has written every status and resources, and a sync that
// finds objects moved meanwhile is followed by another: so the first
// unchanged sync is waited for, not measured.
func (r *rig) unchangedSyncs(before, after func()) unchangedCost {
	r.quiet()
	unchangedSyncCount := func() float64 {
		_, n := r.metric("porch_repository_sync_duration_seconds", "result", "unchanged")
		return n
	}
	settled := unchangedSyncCount()
	r.waitFor("a sync without change", 2*time.Minute, func() bool { return unchangedSyncCount() >= settled+1 })
	writesBefore, _ := r.metric("porch_repository_sync_object_writes_total")
	sumBefore, countBefore := r.metric("porch_repository_sync_duration_seconds", "result", "unchanged")
	before()
	r.waitFor("two syncs without change", 2*time.Minute, func() bool { return unchangedSyncCount() >= countBefore+2 })
	after()
	writesAfter, _ := r.metric("porch_repository_sync_object_writes_total")
	sum, count := r.metric("porch_repository_sync_duration_seconds", "result", "unchanged")
	return unchangedCost{writes: writesAfter - writesBefore, msPerSync: meanMs(sum-sumBefore, count-countBefore), syncs: count - countBefore}
}

func (r *rig) namespace(name string) string {
	if err := r.k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		r.b.Fatal(err)
	}
	return name
}

func (r *rig) register(ns, name string) *configv1alpha1.Repository {
	repo := &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
			Git: &configv1alpha1.GitRepository{Repo: fmt.Sprintf("%s/%s.git", r.gitURL, name)}},
	}
	if err := r.k8s.Create(context.Background(), repo); err != nil {
		r.b.Fatal(err)
	}
	return repo
}

// synced says whether the repository is Ready with want package revisions mirrored.
func (r *rig) synced(repo *configv1alpha1.Repository, want int) bool {
	got := &configv1alpha1.Repository{}
	if err := r.k8s.Get(context.Background(), client.ObjectKeyFromObject(repo), got); err != nil {
		r.b.Fatal(err)
	}
	ready := meta.IsStatusConditionTrue(got.Status.Conditions, configv1alpha1.ConditionReady)
	return ready && got.Status.PackageCount == want
}

func (r *rig) count(ns string, list *metav1.PartialObjectMetadataList) int {
	if err := r.k8s.List(context.Background(), list, client.InNamespace(ns), client.MatchingLabels{porchv1alpha1.RepositoryLabel: "large"}); err != nil {
		r.b.Fatal(err)
	}
	return len(list.Items)
}
