package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

const starlarkImage = "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"

// BenchmarkRenderBesideEndlessStarlark measures the render latency of 20
// Drafts of one namespace, each an edit whose pipeline runs a builtin Go
// function and a starlark script, while another namespace's Draft runs a
// starlark script that never ends, again and again, each run stopped by
// its step budget; and of 20 more with nothing else running. The two take
// turns, five Drafts at a time, after uncounted warm-up rounds, so that
// both meet the same machine. A render is timed from the edit's write
// until its resources report it rendered (Rendered True).
//
// The manager binary runs as deployed, without a function runner: builtin
// Go functions run in it and starlark in child processes of it.
func BenchmarkRenderBesideEndlessStarlark(b *testing.B) {
	const perPhase, block, warmup = 20, 5, 4
	for range b.N {
		r := newRig(b)
		for _, name := range []string{"quiet", "noisy"} {
			if err := Generate(filepath.Join(r.gitRoot, name+".git"), 1, 1); err != nil {
				b.Fatal(err)
			}
			repo := r.register(r.namespace(name), name)
			r.waitFor(name+" mirrored", 5*time.Minute, func() bool { return r.synced(repo, 2) })
		}
		drafts := make([]*porchv1alpha1.PackageRevision, warmup+2*perPhase)
		r.each(len(drafts), func(i int) error {
			drafts[i] = r.initDraft("quiet", fmt.Sprintf("d%02d", i))
			return nil
		})
		noisy := r.initDraft("noisy", "spin")
		r.each(len(drafts), func(i int) error { r.authored(drafts[i], func() error { return nil }); return nil })
		r.authored(noisy, func() error { return nil })

		for _, d := range drafts[:warmup] {
			r.quiet()
			r.timedRender(d, pipelineFiles(d.Name))
		}
		var alone, beside []time.Duration
		var noiseRuns int
		next := warmup
		for len(beside) < perPhase {
			for range block {
				r.quiet()
				alone = append(alone, r.timedRender(drafts[next], pipelineFiles(drafts[next].Name)))
				next++
			}
			stop := r.spin(noisy)
			for range block {
				r.quiet()
				beside = append(beside, r.timedRender(drafts[next], pipelineFiles(drafts[next].Name)))
				next++
			}
			noiseRuns += stop()
		}
		slices.Sort(alone)
		slices.Sort(beside)
		p50a, p95a, p50b, p95b := percentile(alone, 0.5), percentile(alone, 0.95), percentile(beside, 0.5), percentile(beside, 0.95)
		b.ReportMetric(p50a, "ms-p50-alone")
		b.ReportMetric(p95a, "ms-p95-alone")
		b.ReportMetric(p50b, "ms-p50-beside-endless")
		b.ReportMetric(p95b, "ms-p95-beside-endless")
		b.ReportMetric(p50b/p50a, "x-p50-beside/alone")
		b.ReportMetric(p95b/p95a, "x-p95-beside/alone")
		b.ReportMetric(float64(noiseRuns), "endless-runs-stopped")
		b.Logf("render latency of %d Drafts, ms:\n%-24s %8s %8s\n%-24s %8.0f %8.0f\n%-24s %8.0f %8.0f\n(%d endless starlark runs stopped by the budget meanwhile)",
			perPhase, "", "p50", "p95", "alone", p50a, p95a, "beside endless starlark", p50b, p95b, noiseRuns)
	}
}

// initDraft creates, in the namespace and repository named repo, a Draft
// of package pkg by init.
func (r *rig) initDraft(repo, pkg string) *porchv1alpha1.PackageRevision {
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: repo, Name: fmt.Sprintf("%s.%s.v1", repo, pkg)},
		Spec: porchv1alpha1.PackageRevisionSpec{PackageName: pkg, RepositoryName: repo, WorkspaceName: "v1",
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
			Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}}},
	}
	if err := r.k8s.Create(context.Background(), pr); err != nil {
		r.b.Fatal(err)
	}
	return pr
}

// pipelineFiles is a package whose pipeline runs a builtin Go function and
// a starlark script, as a user's Draft would.
func pipelineFiles(name string) map[string]string {
	return starlarkPackage(name, `for r in ctx.resource_list["items"]:
    if r["kind"] == "ConfigMap":
      r["data"] = {"rendered": "yes"}`, "    - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2\n      configMap:\n        app: shop\n")
}

// starlarkPackage is a package whose pipeline runs first, then source as
// a starlark mutator.
func starlarkPackage(name, source, first string) map[string]string {
	return map[string]string{
		"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: " + name + "\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n" +
			"pipeline:\n  mutators:\n" + first + "    - image: " + starlarkImage + "\n      configPath: fn.yaml\n",
		"fn.yaml": "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata:\n  name: fn\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n" +
			"source: |\n  " + source + "\n",
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
	}
}

// timedRender writes files as pr's resources and returns how long it took
// until they were rendered.
func (r *rig) timedRender(pr *porchv1alpha1.PackageRevision, files map[string]string) time.Duration {
	start := time.Now()
	r.editResources(pr, files)
	if !r.renderDone(pr, time.Minute, 5*time.Millisecond) {
		r.b.Fatalf("%s: the render failed", pr.Name)
	}
	return time.Since(start)
}

// spin edits pr's resources, again and again, with a starlark script that
// never ends, until the returned function is called; that function waits
// for the run in progress to end and returns how many runs ended with the
// step budget spent.
func (r *rig) spin(pr *porchv1alpha1.PackageRevision) (stop func() int) {
	var stopping atomic.Bool
	done := make(chan int)
	go func() {
		runs := 0
		for i := 0; !stopping.Load(); i++ {
			r.editResources(pr, starlarkPackage("spin", fmt.Sprintf("# run %d\n  while True: pass", i), ""))
			// Polled slowly: the noise is the script, not this loop's reads.
			if r.renderDone(pr, time.Minute, 200*time.Millisecond) {
				r.b.Errorf("%s: the endless script rendered", pr.Name)
			}
			if strings.Contains(r.renderErr(pr), "too many steps") {
				runs++
			}
		}
		done <- runs
	}()
	return func() int {
		stopping.Store(true)
		return <-done
	}
}

// editResources replaces pr's spec.resources, retrying on conflicts.
func (r *rig) editResources(pr *porchv1alpha1.PackageRevision, files map[string]string) {
	ctx := context.Background()
	for {
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := r.k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
			r.b.Fatal(err)
		}
		prr.Spec.Resources = files
		err := r.k8s.Update(ctx, prr)
		if err == nil {
			return
		}
		if !apierrors.IsConflict(err) {
			r.b.Fatal(err)
		}
	}
}

// renderDone waits until pr's latest edit was acted on, looking every
// poll, and reports whether it rendered: the resources' status records the
// render with the generation it acted on.
func (r *rig) renderDone(pr *porchv1alpha1.PackageRevision, timeout, poll time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := r.k8s.Get(context.Background(), client.ObjectKeyFromObject(pr), prr); err != nil {
			r.b.Fatal(err)
		}
		if prr.Status.ObservedGeneration == prr.Generation && prr.Status.RenderStatus != nil {
			return prr.Status.RenderStatus.Err == ""
		}
		time.Sleep(poll)
	}
	r.b.Fatalf("%s: not rendered within %s; see %s", pr.Name, timeout, filepath.Join(r.workDir, "manager.log"))
	return false
}

// renderErr is pr's last render error.
func (r *rig) renderErr(pr *porchv1alpha1.PackageRevision) string {
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := r.k8s.Get(context.Background(), client.ObjectKeyFromObject(pr), prr); err != nil || prr.Status.RenderStatus == nil {
		return ""
	}
	return prr.Status.RenderStatus.Err
}
