package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// BenchmarkPackageVariantSetFleet measures a PackageVariantSet over a
// fleet: 1 upstream package, a set selecting 500 repositories by label.
// It times how long until the 500 downstream Drafts are made (cloned and
// rendered), and, once they are published, how long after a new upstream
// revision is approved until the 500 upgrade Drafts are made. It counts
// the PackageVariant reconciles one change of an upstream revision causes,
// with a second set of 50 variants of another upstream in the namespace:
// they should be the variants of that upstream, not all of the namespace's.
func BenchmarkPackageVariantSetFleet(b *testing.B) {
	fleet, others := scaled(500), scaled(50)
	if n := os.Getenv("BENCH_FLEET_SIZE"); n != "" {
		if _, err := fmt.Sscan(n, &fleet); err != nil || fleet < 1 {
			b.Fatalf("BENCH_FLEET_SIZE: %q is not a number of repositories", n)
		}
		others = min(others, fleet)
	}
	for range b.N {
		r := newRig(b)
		ns := r.namespace("fleet")
		if err := Generate(filepath.Join(r.gitRoot, "blueprints.git"), 2, 1); err != nil {
			b.Fatal(err)
		}
		blueprints := r.register(ns, "blueprints")
		edges := make([]*configv1alpha1.Repository, fleet)
		for i := range edges {
			name := fmt.Sprintf("edge%03d", i)
			if out, err := exec.Command("git", "init", "-q", "--bare", "-b", "main", filepath.Join(r.gitRoot, name+".git")).CombinedOutput(); err != nil {
				b.Fatalf("git init: %v: %s", err, out)
			}
			edges[i] = &configv1alpha1.Repository{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{"site": "edge"}},
				Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
					Git: &configv1alpha1.GitRepository{Repo: fmt.Sprintf("%s/%s.git", r.gitURL, name), CreateBranch: true}},
			}
		}
		r.each(fleet, func(i int) error { return r.k8s.Create(context.Background(), edges[i]) })
		r.waitFor("the fleet's repositories Ready", 20*time.Minute, func() bool {
			if !r.synced(blueprints, 4) {
				return false
			}
			for _, repo := range edges {
				if !r.synced(repo, 0) {
					return false
				}
			}
			return true
		})

		// The set of the fleet, and one of 50 variants of another upstream.
		r.variantSet(ns, "fleet", "g00/p0000", configv1alpha1.Target{
			RepositorySelector: &metav1.LabelSelector{MatchLabels: map[string]string{"site": "edge"}}})
		var named []configv1alpha1.RepositoryTarget
		for i := range others {
			named = append(named, configv1alpha1.RepositoryTarget{Name: edges[i].Name})
		}
		r.variantSet(ns, "others", "g01/p0001", configv1alpha1.Target{Repositories: named})
		drafts := r.waitFor(fmt.Sprintf("%d Drafts cloned", fleet+others), 30*time.Minute, func() bool {
			return r.readyRevisions(ns, "packagevariant-1") == fleet+others
		})
		b.ReportMetric(drafts.Seconds(), fmt.Sprintf("s-to-%d-drafts", fleet+others))

		// Published downstream revisions, so that a new upstream makes upgrades.
		list := &porchv1alpha1.PackageRevisionList{}
		if err := r.k8s.List(context.Background(), list, client.InNamespace(ns)); err != nil {
			b.Fatal(err)
		}
		var mine []*porchv1alpha1.PackageRevision
		for i := range list.Items {
			if list.Items[i].Spec.WorkspaceName == "packagevariant-1" && list.Items[i].Spec.PackageName == "g00/p0000" {
				mine = append(mine, &list.Items[i])
			}
		}
		r.each(len(mine), func(i int) error { return r.setLifecycle(mine[i], porchv1alpha1.PackageRevisionLifecycleProposed) })
		r.waitFor("the drafts proposed", 20*time.Minute, func() bool {
			return r.countLifecycle(ns, mine, porchv1alpha1.PackageRevisionLifecycleProposed) == len(mine)
		})
		r.each(len(mine), func(i int) error { return r.setLifecycle(mine[i], porchv1alpha1.PackageRevisionLifecyclePublished) })
		r.waitFor("the drafts published", 20*time.Minute, func() bool {
			return r.countLifecycle(ns, mine, porchv1alpha1.PackageRevisionLifecyclePublished) == len(mine)
		})
		r.quiet()

		v2 := &porchv1alpha1.PackageRevision{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: porchv1alpha1.RevisionName("blueprints", "g00/p0000", "v2")},
			Spec: porchv1alpha1.PackageRevisionSpec{PackageName: "g00/p0000", RepositoryName: "blueprints", WorkspaceName: "v2",
				Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
				Tasks: []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
					Source: &porchv1alpha1.PackageRevisionRef{Name: porchv1alpha1.RevisionName("blueprints", "g00/p0000", "ws1")}}}}},
		}
		r.authored(v2, func() error { return r.k8s.Create(context.Background(), v2) })
		r.authored(v2, func() error { return r.setLifecycle(v2, porchv1alpha1.PackageRevisionLifecycleProposed) })
		start := time.Now()
		r.authored(v2, func() error { return r.setLifecycle(v2, porchv1alpha1.PackageRevisionLifecyclePublished) })
		r.waitFor(fmt.Sprintf("%d upgrade Drafts", len(mine)), 30*time.Minute, func() bool {
			return r.readyRevisions(ns, "packagevariant-2") == len(mine)
		})
		b.ReportMetric(time.Since(start).Seconds(), fmt.Sprintf("s-to-%d-upgrades", len(mine)))

		// One change of each upstream revision, once all is quiet: the
		// reconciles it causes are those of its own variants.
		for _, upstream := range []struct {
			name     string
			variants int
		}{{v2.Name, len(mine)}, {porchv1alpha1.RevisionName("blueprints", "g01/p0001", "ws1"), others}} {
			r.settledReconciles()
			before := r.reconciles("packagevariant")
			pr := &porchv1alpha1.PackageRevision{}
			if err := r.k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: upstream.name}, pr); err != nil {
				b.Fatal(err)
			}
			if err := patch(r.k8s, pr, func(p *porchv1alpha1.PackageRevision) {
				metav1.SetMetaDataAnnotation(&p.ObjectMeta, "bench.porch.kpt.dev/touched", time.Now().String())
			}); err != nil {
				b.Fatal(err)
			}
			caused := r.settledReconciles() - before
			b.Logf("a change of %s (upstream of %d of the namespace's %d variants) caused %.0f PackageVariant reconciles",
				upstream.name, upstream.variants, len(mine)+others, caused)
			b.ReportMetric(caused, "reconciles-per-event-"+strings.ReplaceAll(strings.TrimPrefix(upstream.name, "blueprints."), ".", "-"))
		}
	}
}

// variantSet creates a PackageVariantSet of package pkg of blueprints over target.
func (r *rig) variantSet(ns, name, pkg string, target configv1alpha1.Target) *configv1alpha1.PackageVariantSet {
	pvs := &configv1alpha1.PackageVariantSet{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: configv1alpha1.PackageVariantSetSpec{Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: pkg},
			Targets: []configv1alpha1.Target{target}},
	}
	if err := r.k8s.Create(context.Background(), pvs); err != nil {
		r.b.Fatal(err)
	}
	return pvs
}

// readyRevisions counts the revisions of a workspace that are done: their
// spec carried out, Ready, and their resources' edit observed.
func (r *rig) readyRevisions(ns, workspace string) int {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := r.k8s.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		r.b.Fatal(err)
	}
	n := 0
	for _, pr := range list.Items {
		if pr.Spec.WorkspaceName == workspace && pr.Status.ObservedGeneration == pr.Generation &&
			meta.IsStatusConditionTrue(pr.Status.Conditions, porchv1alpha1.ConditionReady) {
			n++
		}
	}
	return n
}

// countLifecycle counts the revisions among those named that have reached
// lifecycle, their spec carried out.
func (r *rig) countLifecycle(ns string, named []*porchv1alpha1.PackageRevision, lifecycle porchv1alpha1.PackageRevisionLifecycle) int {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := r.k8s.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		r.b.Fatal(err)
	}
	wanted := map[string]bool{}
	for _, pr := range named {
		wanted[pr.Name] = true
	}
	n := 0
	for _, pr := range list.Items {
		if wanted[pr.Name] && pr.Spec.Lifecycle == lifecycle && pr.Status.ObservedGeneration == pr.Generation {
			n++
		}
	}
	return n
}

// reconciles is how many reconciles a controller of the manager ran.
func (r *rig) reconciles(controller string) float64 {
	family, ok := r.families()["controller_runtime_reconcile_total"]
	if !ok {
		return 0
	}
	total := 0.0
	for _, m := range family.GetMetric() {
		if hasLabel(m.GetLabel(), "controller", controller) {
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

// settledReconciles waits until the PackageVariant controller has run no
// reconcile for two seconds, and returns its count.
func (r *rig) settledReconciles() float64 {
	last, since := r.reconciles("packagevariant"), time.Now()
	r.waitFor("the PackageVariant reconciles to settle", 5*time.Minute, func() bool {
		if now := r.reconciles("packagevariant"); now != last {
			last, since = now, time.Now()
		}
		return time.Since(since) > 2*time.Second
	})
	return last
}
