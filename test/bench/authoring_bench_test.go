package bench

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// BenchmarkAuthoringLatency measures, as a user sees it, how long the
// steps of authoring take until the revision reports them done: a new
// revision by init until it is Ready, a proposal until it is in git, an
// approval until the revision is Published with its number. It does so in
// a repository of 10 packages and in one of 1,000, to show that the
// latency does not grow with what the repository holds.
//
// The sizes take turns, round by round, after warm-up rounds that are not
// counted, so that both meet the same machine: a run of one size after the
// other measured the first on a cold manager and either under whatever
// else the machine did meanwhile, which moved the p50s by more than the
// 10% looked for. Each round starts when no sync is running, so that it
// does not pay for the previous round's; its own steps still run beside
// the syncs they ask for, which cost more the more the repository holds.
func BenchmarkAuthoringLatency(b *testing.B) {
	warmup, rounds := 5, 60
	if quick {
		warmup, rounds = 2, 10
	}
	for range b.N {
		r := newRig(b)
		sizes := authoringSizes(r)
		for _, size := range sizes {
			name := fmt.Sprintf("pkgs%d", size)
			if err := Generate(filepath.Join(r.gitRoot, name+".git"), size, 1); err != nil {
				b.Fatal(err)
			}
			repo := r.register(r.namespace(name), name)
			r.waitFor(fmt.Sprintf("%d packages mirrored", size), 15*time.Minute, func() bool { return r.synced(repo, 2*size) })
		}
		for i := range warmup {
			for _, size := range sizes {
				r.quiet()
				repo := fmt.Sprintf("pkgs%d", size)
				r.authorIn(repo, repo, fmt.Sprintf("warmup-%d", i))
			}
		}
		syncSum, syncCount := r.metric("porch_repository_sync_duration_seconds", "result", "synced")
		r.git.takeServed()
		steps := map[int]*authoringSteps{}
		for _, size := range sizes {
			steps[size] = &authoringSteps{withOwn: true}
		}
		for i := range rounds {
			for _, size := range sizes {
				r.quiet()
				repo := fmt.Sprintf("pkgs%d", size)
				steps[size].add(r.authorIn(repo, repo, fmt.Sprintf("new-%d", i)))
			}
		}
		syncSum2, syncCount2 := r.metric("porch_repository_sync_duration_seconds", "result", "synced")
		b.Logf("%.0f syncs during the rounds, %.0f ms each on average", syncCount2-syncCount, meanMs(syncSum2-syncSum, syncCount2-syncCount))
		served := r.git.takeServed()
		for _, key := range slices.Sorted(maps.Keys(served)) {
			b.Logf("git server: %s: %d per round, %.1f ms each", key, served[key].count/rounds, meanMs(served[key].took.Seconds(), float64(served[key].count)))
		}
		p50 := map[string]float64{}
		for _, size := range sizes {
			for _, step := range steps[size].named() {
				slices.Sort(step.times)
				p50[fmt.Sprintf("%s-%d", step.name, size)] = percentile(step.times, 0.5)
				b.ReportMetric(percentile(step.times, 0.5), fmt.Sprintf("ms-p50-%s-%dpkgs", step.name, size))
				b.ReportMetric(percentile(step.times, 0.95), fmt.Sprintf("ms-p95-%s-%dpkgs", step.name, size))
			}
		}
		small, large := slices.Min(sizes), slices.Max(sizes)
		for _, step := range steps[large].named() {
			s, l := p50[fmt.Sprintf("%s-%d", step.name, small)], p50[fmt.Sprintf("%s-%d", step.name, large)]
			if small == large || s == 0 || l == 0 {
				continue
			}
			b.ReportMetric(l/s, fmt.Sprintf("x-p50-%dpkgs/%dpkgs-%s", large, small, step.name))
		}
	}
}

// stepNames name the steps of an authoring round, in order.
var stepNames = [3]string{"create", "propose", "approve"}

// stepTime is how long a step took until the revision reported it done,
// and how long the git server was busy meanwhile.
type stepTime struct{ whole, git time.Duration }

// authoringSteps are the timings of the rounds in one repository, by step:
// each step's whole and, withOwn, as "manager-<step>", the manager's own
// share of it, the whole less the git server's busy time.
type authoringSteps struct {
	withOwn bool
	times   map[string][]time.Duration
}

func (s *authoringSteps) add(round [3]stepTime) {
	if s.times == nil {
		s.times = map[string][]time.Duration{}
	}
	for i, t := range round {
		s.times[stepNames[i]] = append(s.times[stepNames[i]], t.whole)
		if s.withOwn {
			s.times["manager-"+stepNames[i]] = append(s.times["manager-"+stepNames[i]], t.whole-t.git)
		}
	}
}

// stepTimes are the timings of one step of the rounds.
type stepTimes struct {
	name  string
	times []time.Duration
}

// named lists the timings step by step, the manager's own after the wholes.
func (s *authoringSteps) named() []stepTimes {
	var named []stepTimes
	for _, prefix := range []string{"", "manager-"} {
		for _, step := range stepNames {
			if times, ok := s.times[prefix+step]; ok {
				named = append(named, stepTimes{prefix + step, times})
			}
		}
	}
	return named
}

// authorIn creates package pkg by init in Repository repo of namespace ns,
// proposes and approves it, and times the three steps.
func (r *rig) authorIn(ns, repo, pkg string) [3]stepTime {
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%s.%s.v1", repo, pkg)},
		Spec: porchv1alpha1.PackageRevisionSpec{PackageName: pkg, RepositoryName: repo, WorkspaceName: "v1",
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
			Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}}},
	}
	steps := [3]func() error{
		func() error { return r.k8s.Create(context.Background(), pr) },
		func() error { return r.setLifecycle(pr, porchv1alpha1.PackageRevisionLifecycleProposed) },
		func() error { return r.setLifecycle(pr, porchv1alpha1.PackageRevisionLifecyclePublished) },
	}
	var took [3]stepTime
	for i, step := range steps {
		git := r.git.busyFor()
		took[i].whole = r.authored(pr, step)
		took[i].git = r.git.busyFor() - git
	}
	return took
}

// authoringSizes are the package counts of the repositories authored in:
// 10 and 1,000, or those of BENCH_AUTHORING_SIZES (e.g. "1000"), to look
// at one alone.
func authoringSizes(r *rig) []int {
	env := strings.Fields(os.Getenv("BENCH_AUTHORING_SIZES"))
	if len(env) == 0 {
		return []int{10, max(scaled(1000), 10)}
	}
	sizes := make([]int, len(env))
	for i, s := range env {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			r.b.Fatalf("BENCH_AUTHORING_SIZES: %q is not a package count", s)
		}
		sizes[i] = n
	}
	return sizes
}

// authored runs a user's request and returns how long it took until the
// revision reported it done: its generation observed, Ready True, and its
// resources' generation observed.
func (r *rig) authored(pr *porchv1alpha1.PackageRevision, request func() error) time.Duration {
	ctx := context.Background()
	start := time.Now()
	if err := request(); err != nil {
		r.b.Fatal(err)
	}
	deadline := start.Add(time.Minute)
	for time.Now().Before(deadline) {
		got := &porchv1alpha1.PackageRevision{}
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := r.k8s.Get(ctx, client.ObjectKeyFromObject(pr), got); err != nil {
			r.b.Fatal(err)
		}
		if got.Status.ObservedGeneration == got.Generation && meta.IsStatusConditionTrue(got.Status.Conditions, porchv1alpha1.ConditionReady) &&
			r.k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr) == nil && prr.Status.ObservedGeneration == prr.Generation {
			return time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := &porchv1alpha1.PackageRevision{}
	_ = r.k8s.Get(ctx, client.ObjectKeyFromObject(pr), got)
	log, _ := os.ReadFile(filepath.Join(r.workDir, "manager.log"))
	kept := filepath.Join(os.TempDir(), "authoring-bench-manager.log")
	_ = os.WriteFile(kept, log, 0o644)
	r.b.Logf("the manager's log is kept in %s", kept)
	if len(log) > 4000 {
		log = log[len(log)-4000:]
	}
	r.b.Fatalf("%s: not done within a minute: generation %d, status %+v\nmanager log:\n%s", pr.Name, got.Generation, got.Status, log)
	return 0
}

// setLifecycle changes a revision's lifecycle as a user, retrying on conflicts.
func (r *rig) setLifecycle(pr *porchv1alpha1.PackageRevision, lifecycle porchv1alpha1.PackageRevisionLifecycle) error {
	ctx := context.Background()
	for {
		got := &porchv1alpha1.PackageRevision{}
		if err := r.k8s.Get(ctx, client.ObjectKeyFromObject(pr), got); err != nil {
			return err
		}
		got.Spec.Lifecycle = lifecycle
		err := r.k8s.Update(ctx, got)
		if err == nil || !apierrors.IsConflict(err) {
			return err
		}
	}
}
