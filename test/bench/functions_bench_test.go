package bench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

const starlarkImage = "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"

// BenchmarkRenderBesideEndlessStarlark measures the render latency of
// Drafts of one namespace, each an edit whose pipeline runs a builtin Go
// function and a starlark script, in three phases: with nothing else
// running; while another namespace's Draft runs a starlark script that
// never ends, again and again, each run stopped by its step budget; and,
// to tell the product's share from the machine's, while a process outside
// the product burns a CPU under the scheduling policy the product gives a
// starlark child (SCHED_IDLE). The phases take turns, five Drafts at a
// time, after uncounted warm-up rounds, so that all meet the same machine.
// A render is timed from the edit's write until its resources report it
// rendered. The CPU time each process spent in each phase is logged, and
// the git server's time per render: on two cores the renders alone keep
// the machine busy most of the time, and the git server, which starts
// processes for every request, is where a busy CPU costs them time.
//
// The manager binary runs as deployed, without a function runner: builtin
// Go functions run in it and starlark in child processes of it.
func BenchmarkRenderBesideEndlessStarlark(b *testing.B) {
	perPhase, block, warmup := 60, 5, 4
	if quick {
		perPhase, warmup = 15, 1
	}
	for range b.N {
		r := newRig(b)
		for _, name := range []string{"quiet", "noisy"} {
			if err := Generate(filepath.Join(r.gitRoot, name+".git"), 1, 1); err != nil {
				b.Fatal(err)
			}
			repo := r.register(r.namespace(name), name)
			r.waitFor(name+" mirrored", 5*time.Minute, func() bool { return r.synced(repo, 2) })
		}
		phases := []*phase{
			{name: "alone", noise: func() func() int { return func() int { return 0 } }},
			{name: "beside an idle CPU burner", noise: r.burnIdleCPU},
		}
		drafts := make([]*porchv1alpha1.PackageRevision, warmup+(len(phases)+1)*perPhase)
		r.each(len(drafts), func(i int) error {
			drafts[i] = r.initDraft("quiet", fmt.Sprintf("d%02d", i))
			return nil
		})
		noisy := r.initDraft("noisy", "spin")
		phases = append(phases, &phase{name: "beside endless starlark", noise: func() func() int { return r.spin(noisy) }})
		r.each(len(drafts), func(i int) error { r.authored(drafts[i], func() error { return nil }); return nil })
		r.authored(noisy, func() error { return nil })

		for _, d := range drafts[:warmup] {
			r.quiet()
			r.timedRender(d, pipelineFiles(d.Name))
		}
		next := warmup
		for len(phases[len(phases)-1].latencies) < perPhase {
			for _, p := range phases {
				stop := p.noise()
				r.git.takeServed()
				cpu, start := cpuByProcess(), time.Now()
				for range block {
					r.quiet()
					p.latencies = append(p.latencies, r.timedRender(drafts[next], pipelineFiles(drafts[next].Name)))
					next++
				}
				p.wall += time.Since(start)
				p.cpu = addCPU(p.cpu, cpu, cpuByProcess())
				p.git = addServed(p.git, r.git.takeServed(), "quiet.git")
				p.noiseRuns += stop()
			}
		}
		alone, burner, endless := phases[0], phases[1], phases[2]
		for _, p := range phases {
			p.report(b, alone)
		}
		b.Logf("render latency of %d Drafts, ms:\n%-26s %6s %6s %6s %6s\n%s%s%s(%d endless starlark runs stopped by the budget meanwhile)\n"+
			"the product's share, beside endless starlark over beside an idle CPU burner: p50 x%.2f, p95 x%.2f\n\nCPU seconds per second of each phase, by process:\n%s\n"+
			"the git server's requests of a render, and the time it took to serve them:\n%s",
			perPhase, "", "p50", "p95", "x p50", "x p95", alone.row(alone), burner.row(alone), endless.row(alone), endless.noiseRuns,
			endless.p(0.5)/burner.p(0.5), endless.p(0.95)/burner.p(0.95), cpuTable(phases), gitTable(phases))
		b.ReportMetric(endless.p(0.5)/burner.p(0.5), "x-p50-endless/burner")
		b.ReportMetric(endless.p(0.95)/burner.p(0.95), "x-p95-endless/burner")
		b.ReportMetric(float64(endless.noiseRuns), "endless-runs-stopped")
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
	if !r.renderDone(r.editResources(pr, files), time.Minute) {
		r.b.Fatalf("%s: the render failed", pr.Name)
	}
	return time.Since(start)
}

// burnIdleCPU starts a process outside the product that spins on one CPU
// under SCHED_IDLE, the policy the product gives a starlark child, and
// returns what stops it: the cost that any process busy on a CPU at the
// lowest priority puts on the renders, on this machine.
func (r *rig) burnIdleCPU() (stop func() int) {
	burner := exec.Command("sh", "-c", "while :; do :; done")
	if err := burner.Start(); err != nil {
		r.b.Fatal(err)
	}
	stop = func() int {
		_ = burner.Process.Kill()
		_ = burner.Wait()
		return 0
	}
	if err := unix.SchedSetAttr(burner.Process.Pid, &unix.SchedAttr{Policy: unix.SCHED_IDLE}, 0); err != nil {
		stop()
		r.b.Fatal(err)
	}
	return stop
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
		// Sent also when a failure ends this goroutine.
		defer func() { done <- runs }()
		for !stopping.Load() {
			// Each run's script differs from every earlier one: an edit
			// that changes nothing is not rendered again.
			r.spins++
			edited := r.editResources(pr, starlarkPackage("spin", fmt.Sprintf("# run %d\n  while True: pass", r.spins), ""))
			if r.renderDone(edited, time.Minute) {
				r.b.Errorf("%s: the endless script rendered", pr.Name)
			}
			if strings.Contains(r.renderErr(pr), "too many steps") {
				runs++
			}
		}
	}()
	return func() int {
		stopping.Store(true)
		return <-done
	}
}

// editResources replaces pr's spec.resources, retrying on conflicts, and
// returns them as written.
func (r *rig) editResources(pr *porchv1alpha1.PackageRevision, files map[string]string) *porchv1alpha1.PackageRevisionResources {
	ctx := context.Background()
	for {
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := r.k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
			r.b.Fatal(err)
		}
		prr.Spec.Resources = files
		err := r.k8s.Update(ctx, prr)
		if err == nil {
			return prr
		}
		if !apierrors.IsConflict(err) {
			r.b.Fatal(err)
		}
	}
}

// renderDone waits until the manager acted on the edit that wrote edited,
// and reports whether it rendered: the resources' status records the
// render with the generation it acted on. It watches rather than polls, as
// a user's client would: a poll every few milliseconds costs the apiserver
// and this process more CPU than the renders measured, and on two cores
// would be the larger part of what it measures.
func (r *rig) renderDone(edited *porchv1alpha1.PackageRevisionResources, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	since := edited.ResourceVersion
	for ctx.Err() == nil {
		w, err := r.k8s.Watch(ctx, &porchv1alpha1.PackageRevisionResourcesList{}, client.InNamespace(edited.Namespace),
			client.MatchingFields{"metadata.name": edited.Name}, &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: since}})
		if err != nil {
			r.b.Fatal(err)
		}
		for ev := range w.ResultChan() {
			prr, ok := ev.Object.(*porchv1alpha1.PackageRevisionResources)
			if !ok {
				break // an error event: watch again from the last version seen
			}
			since = prr.ResourceVersion
			if prr.Status.ObservedGeneration == prr.Generation && prr.Status.RenderStatus != nil {
				w.Stop()
				return prr.Status.RenderStatus.Err == ""
			}
		}
		w.Stop()
	}
	r.b.Fatalf("%s: not rendered within %s; see %s", edited.Name, timeout, filepath.Join(r.workDir, "manager.log"))
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
