package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/cadtest"
	"github.com/porch-dev/porch/internal/cad/upgrade"
)

const upgradeResources = 200

// upgradeResource is resource i of the upgrade package: even ones are
// ConfigMaps, odd ones Deployments.
func upgradeResource(i int) (string, string) {
	if i%2 == 0 {
		return fmt.Sprintf("cm-%03d.yaml", i), fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-%03d
data:
  upstream: "1"
  local: "1"
`, i)
	}
	return fmt.Sprintf("deploy-%03d.yaml", i), fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%03d
spec:
  replicas: 1
  selector:
    matchLabels:
      name: app-%03d
  template:
    metadata:
      labels:
        name: app-%03d
    spec:
      containers:
        - name: app
          image: nginx:1.0
`, i, i, i)
}

// upgradeVersions returns v1, 200 resources, and v2, where upstream changed
// a field of resources 0-49, deleted resources 190-199 and added 10 new ones.
func upgradeVersions() (v1, v2 cad.Package) {
	v1 = cad.Package{cad.KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\ninfo:\n  description: upgrade benchmark\n"}
	for i := range upgradeResources {
		name, content := upgradeResource(i)
		v1[name] = content
	}
	v2 = v1.Copy()
	for i := range 50 {
		name, content := upgradeResource(i)
		content = strings.Replace(content, `upstream: "1"`, `upstream: "2"`, 1)
		v2[name] = strings.Replace(content, "nginx:1.0", "nginx:2.0", 1)
	}
	for i := upgradeResources - 10; i < upgradeResources; i++ {
		name, _ := upgradeResource(i)
		delete(v2, name)
	}
	for i := range 10 {
		v2[fmt.Sprintf("new-%02d.yaml", i)] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-%02d\ndata:\n  added: \"%d\"\n", i, i)
	}
	return v1, v2
}

// localEdits changes resources 50-79 of a clone, which upstream leaves alone.
func localEdits(p cad.Package) cad.Package {
	out := p.Copy()
	for i := 50; i < 80; i++ {
		name, _ := upgradeResource(i)
		content := strings.Replace(out[name], `local: "1"`, `local: "mine"`, 1)
		out[name] = strings.Replace(content, "replicas: 1", "replicas: 5", 1)
	}
	return out
}

// BenchmarkUpgrade moves a locally edited clone of a 200-resource package to
// a new upstream version with the resource-merge strategy, in-process and
// with kpt pkg update on file:// repositories, and reports each one's p50 and
// p95.
func BenchmarkUpgrade(b *testing.B) {
	needTools(b, "kpt", "git")
	const inProcessRuns, kptRuns = 15, 10

	v1, v2 := upgradeVersions()
	r := cadtest.NewRepo(b)
	commit1 := r.Publish(v1, "v1")
	commit2 := r.Publish(v2, "v2")

	// kpt's starting point: a git work tree with the clone and its edits
	// committed, copied afresh for every update.
	work := b.TempDir()
	template := filepath.Join(work, "template")
	if err := os.MkdirAll(template, 0o755); err != nil {
		b.Fatal(err)
	}
	cadtest.Run(b, template, "git", "init", "-q", "-b", "main")
	cadtest.Run(b, template, "kpt", "pkg", "get", r.PkgURL("v1"), "out")
	out := filepath.Join(template, "out")
	edited := localEdits(cadtest.ReadPackage(b, out))
	if err := os.RemoveAll(out); err != nil {
		b.Fatal(err)
	}
	cadtest.WritePackage(b, out, edited)
	cadtest.Run(b, template, "git", "add", "-A")
	cadtest.Run(b, template, "git", "commit", "-qm", "local")
	kptUpdate := func(i int) (string, time.Duration) {
		dir := filepath.Join(work, fmt.Sprintf("run-%d", i))
		copyDir(b, template, dir)
		return dir, timed(b, dir, "kpt", "pkg", "update", "out@v2", "--strategy", "resource-merge")
	}

	clone, err := cad.Clone(v1, cad.CloneOptions{Name: "out",
		Upstream: cad.GitLock{Repo: r.URL(), Directory: "pkg", Ref: "v1", Commit: commit1}})
	if err != nil {
		b.Fatal(err)
	}
	local := localEdits(clone)
	lock := cad.GitLock{Repo: r.URL(), Directory: "pkg", Ref: "v2", Commit: commit2}
	engineUpdate := func() (cad.Package, time.Duration) {
		start := time.Now()
		got, err := upgrade.UpgradeTo(v1, v2, local, upgrade.ResourceMerge, lock)
		took := time.Since(start)
		if err != nil {
			b.Fatalf("upgrade: %v", err)
		}
		return got, took
	}

	for range b.N {
		// Once, untimed: compare the packages both write.
		got, _ := engineUpdate()
		dir, _ := kptUpdate(-1)
		want := cadtest.ReadPackage(b, filepath.Join(dir, "out"))
		diff := cadtest.DiffFiles(want, got)
		if len(diff) > 0 {
			b.Logf("the engine and kpt pkg update differ in %d of %d files; first: %s", len(diff), len(want), firstDiff(want, got, diff))
		}
		b.ReportMetric(float64(len(diff)), "files-differing")

		var engine, kpt []time.Duration
		for range inProcessRuns {
			_, took := engineUpdate()
			engine = append(engine, took)
		}
		for i := range kptRuns {
			dir, took := kptUpdate(i)
			kpt = append(kpt, took)
			_ = os.RemoveAll(dir)
		}
		engineP50 := report(b, "inprocess", engine)
		kptP50 := report(b, "kpt", kpt)
		b.ReportMetric(kptP50/engineP50, "kpt/inprocess-p50")
	}
}
