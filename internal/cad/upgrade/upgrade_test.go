package upgrade

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/cadtest"
)

var v1 = cad.Package{
	"Kptfile": `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: pkg
info:
  description: upstream
pipeline:
  mutators:
  - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2
    configMap:
      app: foo
`,
	"deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns1
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.0
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
`,
	"cm.yaml": `# a comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
  b: "2"
`,
	"old.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: old
data:
  x: "1"
`,
	"notes.txt": "hello\n",
	"other.txt": "other\n",
	"sub/Kptfile": `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: sub
info:
  description: a subpackage
`,
	"sub/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  s: "1"
  t: "1"
`,
	"sub/readme.txt": "sub\n",
}

// change is an edit of one file: old replaced by new, or, with old empty, the
// whole file set to new (removed when new is empty too).
type change struct{ path, old, new string }

func apply(t *testing.T, p cad.Package, changes []change) cad.Package {
	t.Helper()
	out := p.Copy()
	for _, c := range changes {
		switch {
		case c.old == "" && c.new == "":
			delete(out, c.path)
		case c.old == "":
			out[c.path] = c.new
		default:
			if !strings.Contains(out[c.path], c.old) {
				t.Fatalf("%s has no %q", c.path, c.old)
			}
			out[c.path] = strings.Replace(out[c.path], c.old, c.new, 1)
		}
	}
	return out
}

var mineYAML = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\ndata:\n  m: \"1\"\n"

var upgradeCases = []struct {
	name     string
	upstream []change // v1 -> v2
	local    []change // on the clone of v1
	strategy Strategy
	// wantErr, when set, is in the errors of both kpt and Upgrade.
	wantErr string
}{
	{name: "different fields changed upstream and locally",
		upstream: []change{{"deploy.yaml", "nginx:1.0", "nginx:2.0"}, {"cm.yaml", `b: "2"`, `b: "22"`}},
		local:    []change{{"deploy.yaml", "port: 80", "port: 8080"}, {"cm.yaml", `a: "1"`, `a: "11"`}}},
	{name: "same field changed on both sides",
		upstream: []change{{"deploy.yaml", "replicas: 1", "replicas: 2"}},
		local:    []change{{"deploy.yaml", "replicas: 1", "replicas: 5"}}},
	{name: "resource added upstream",
		upstream: []change{{"new.yaml", "", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"},
			{"deploy.yaml", "  ports:\n", "  type: ClusterIP\n  ports:\n"}}},
	{name: "resource deleted upstream",
		upstream: []change{{"old.yaml", "", ""}}},
	{name: "resource deleted upstream but changed locally",
		upstream: []change{{"old.yaml", "", ""}},
		local:    []change{{"old.yaml", `x: "1"`, `x: "2"`}}},
	{name: "resource deleted upstream with only a comment changed locally",
		upstream: []change{{"old.yaml", "", ""}},
		local:    []change{{"old.yaml", `x: "1"`, `x: "1" # why`}}},
	{name: "local-only resource kept",
		upstream: []change{{"cm.yaml", `a: "1"`, `a: "3"`}},
		local:    []change{{"mine.yaml", "", mineYAML}}},
	{name: "non-KRM files",
		upstream: []change{{"notes.txt", "", "bye\n"}, {"other.txt", "", "upstream\n"}, {"docs/new.md", "", "# new\n"}},
		local:    []change{{"other.txt", "", "local\n"}, {"local.txt", "", "mine\n"}}},
	{name: "pipelines merged by function",
		upstream: []change{{"Kptfile", "      app: foo\n", "      app: foo\n  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4\n    configMap:\n      namespace: x\n"}},
		local:    []change{{"Kptfile", "app: foo\n", "app: foo\n    - image: ghcr.io/kptdev/krm-functions-catalog/apply-replacements:v0.1\n"}}},
	{name: "resource renamed locally still matches",
		upstream: []change{{"cm.yaml", `b: "2"`, `b: "22"`}},
		local:    []change{{"cm.yaml", "  name: cfg\n", "  name: cfg-renamed\n"}}},
	{name: "resource deleted locally stays deleted",
		upstream: []change{{"old.yaml", `x: "1"`, `x: "2"`}},
		local:    []change{{"old.yaml", "", ""}}},
	{name: "non-KRM file deleted upstream", upstream: []change{{"notes.txt", "", ""}}},
	{name: "subpackage changed on both sides",
		upstream: []change{{"sub/cm.yaml", `s: "1"`, `s: "2"`}, {"sub/Kptfile", "a subpackage", "the subpackage"}, {"sub/readme.txt", "", "new\n"}},
		local:    []change{{"sub/cm.yaml", `t: "1"`, `t: "local"`}}},
	{name: "subpackage added upstream",
		upstream: []change{{"sub2/Kptfile", "", "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub2\n"},
			{"sub2/cm.yaml", "", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n"}}},
	{name: "Kptfile info changed on both sides",
		upstream: []change{{"Kptfile", "description: upstream", "description: v2\n  site: https://example.com"}},
		local:    []change{{"Kptfile", "description: upstream", "description: upstream\n  keywords:\n    - mine"}}},
	{name: "function named on one side only", wantErr: "conflicting merge keys [name,] for field pipeline.mutators",
		upstream: []change{{"Kptfile", "  - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2\n", "  - name: labels\n    image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.3\n"}},
		local:    []change{{"Kptfile", "    - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2\n      configMap:\n        app: foo\n", "    - name: labels\n      image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2\n      configMap:\n        app: bar\n"}}},
	{name: "force-delete-replace drops local changes", strategy: ForceDeleteReplace,
		upstream: []change{{"deploy.yaml", "nginx:1.0", "nginx:2.0"}, {"old.yaml", "", ""}},
		local:    []change{{"cm.yaml", `a: "1"`, `a: "11"`}, {"mine.yaml", "", mineYAML}}},
	{name: "force-delete-replace with a local Kptfile change and a subpackage gone upstream", strategy: ForceDeleteReplace,
		upstream: []change{{"sub/Kptfile", "", ""}, {"sub/cm.yaml", "", ""}, {"sub/readme.txt", "", ""}},
		local:    []change{{"Kptfile", "description: upstream", "description: mine"}, {"sub/cm.yaml", `t: "1"`, `t: "2"`}}},
	{name: "fast-forward of an unchanged package", strategy: FastForward,
		upstream: []change{{"deploy.yaml", "nginx:1.0", "nginx:2.0"}, {"old.yaml", "", ""}, {"notes.txt", "", "bye\n"}}},
}

func TestUpgradeMatchesKpt(t *testing.T) {
	cadtest.NeedOracle(t)
	for _, tc := range upgradeCases {
		t.Run(tc.name, func(t *testing.T) {
			v2 := apply(t, v1, tc.upstream)
			r := cadtest.NewRepo(t)
			commit1 := r.Publish(v1, "v1")
			commit2 := r.Publish(v2, "v2")

			want, kptErr := kptUpdate(t, r, tc.local, tc.strategy)

			clone, err := cad.Clone(v1, cad.CloneOptions{Name: "out",
				Upstream: cad.GitLock{Repo: r.URL(), Directory: "pkg", Ref: "v1", Commit: commit1}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := UpgradeTo(v1, v2, apply(t, clone, tc.local), tc.strategy,
				cad.GitLock{Repo: r.URL(), Directory: "pkg", Ref: "v2", Commit: commit2})
			if tc.wantErr != "" {
				if !strings.Contains(kptErr, tc.wantErr) {
					t.Errorf("kpt: want error containing %q, got %q", tc.wantErr, kptErr)
				}
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("Upgrade: want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if kptErr != "" {
				t.Fatalf("kpt pkg update: %s", kptErr)
			}
			if err != nil {
				t.Fatal(err)
			}
			cadtest.AssertSamePackage(t, want, got)
		})
	}
}

// kptUpdate clones v1 with kpt into a git work tree, applies the local
// changes, commits them and updates to v2; it returns the package, or kpt's
// output when the update fails.
func kptUpdate(t *testing.T, r *cadtest.Repo, local []change, strategy Strategy) (cad.Package, string) {
	t.Helper()
	dir := t.TempDir()
	cadtest.Run(t, dir, "git", "init", "-q", "-b", "main")
	cadtest.Run(t, dir, "kpt", "pkg", "get", r.PkgURL("v1"), "out")
	out := filepath.Join(dir, "out")
	edited := apply(t, cadtest.ReadPackage(t, out), local)
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	cadtest.WritePackage(t, out, edited)
	cadtest.Run(t, dir, "git", "add", "-A")
	cadtest.Run(t, dir, "git", "commit", "-qm", "local")
	args := []string{"pkg", "update", "out@v2"}
	if strategy != "" {
		args = append(args, "--strategy", string(strategy))
	}
	cmd := exec.Command("kpt", args...)
	cmd.Dir = dir
	if output, err := cmd.CombinedOutput(); err != nil {
		return nil, string(output)
	}
	return cadtest.ReadPackage(t, out), ""
}

// kpt refuses a fast-forward over local changes too.
func TestFastForwardRefusesLikeKpt(t *testing.T) {
	cadtest.NeedOracle(t)
	r := cadtest.NewRepo(t)
	r.Publish(v1, "v1")
	r.Publish(apply(t, v1, []change{{"notes.txt", "", "bye\n"}}), "v2")
	dir := t.TempDir()
	cadtest.Run(t, dir, "git", "init", "-q", "-b", "main")
	cadtest.Run(t, dir, "kpt", "pkg", "get", r.PkgURL("v1"), "out")
	cadtest.WritePackage(t, filepath.Join(dir, "out"), cad.Package{"cm.yaml": "changed: true\n"})
	cadtest.Run(t, dir, "git", "add", "-A")
	cadtest.Run(t, dir, "git", "commit", "-qm", "local")
	cmd := exec.Command("kpt", "pkg", "update", "out@v2", "--strategy", "fast-forward")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "local package files have been modified: [cm.yaml]") {
		t.Fatalf("kpt no longer refuses as expected: %v\n%s", err, out)
	}
}
