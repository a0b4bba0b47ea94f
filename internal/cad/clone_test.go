package cad

import (
	"path/filepath"
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	"github.com/porch-dev/porch/internal/cad/cadtest"
)

// upstreamPackage has what kpt treats differently on get: a Kptfile with a
// pipeline, resources with and without namespace and group, several
// resources in one file, a comment, a local-config resource, YAML that is not
// a resource, and a file that is not YAML.
var upstreamPackage = Package{
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
	"fn/lc.yaml": `apiVersion: fn.kpt.dev/v1alpha1
kind: SetLabels
metadata:
  name: lc
  annotations:
    config.kubernetes.io/local-config: "true"
labels:
  a: b
`,
	"sub/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n",
	"sub/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: x\n",
	"plain.yaml":  "foo: bar\n",
	"notes.txt":   "hello\n",
}

func TestCloneMatchesKpt(t *testing.T) {
	cadtest.NeedOracle(t)
	tests := []struct {
		name     string
		upstream Package
	}{
		{name: "full package", upstream: upstreamPackage},
		{name: "no Kptfile upstream", upstream: Package{"cm.yaml": upstreamPackage["cm.yaml"]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			repo, commit := publish(t, tc.upstream)
			dir := t.TempDir()
			cadtest.Run(t, dir, "kpt", "pkg", "get", "file://"+repo+"/pkg@v1", "out")
			want := cadtest.ReadPackage(t, filepath.Join(dir, "out"))

			got, err := Clone(tc.upstream, CloneOptions{Name: "out", Upstream: GitLock{
				Repo: "file://" + strings.TrimSuffix(repo, ".git"), Directory: "pkg", Ref: "v1", Commit: commit,
			}})
			if err != nil {
				t.Fatal(err)
			}
			cadtest.AssertSamePackage(t, want, got)
		})
	}
}

func TestCloneDeployment(t *testing.T) {
	got, err := Clone(Package{"notes.txt": "x"}, CloneOptions{Name: "edge1", Deployment: true, PackagePath: "clusters/edge1",
		Upstream: GitLock{Repo: "https://example.com/r.git", Ref: "main", Commit: "abc"}})
	if err != nil {
		t.Fatal(err)
	}
	wantContext := `apiVersion: v1
kind: ConfigMap
metadata:
  name: kptfile.kpt.dev
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  name: edge1
  package-path: clusters/edge1
`
	wantKptfile := `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: edge1
upstream:
  type: git
  git:
    repo: https://example.com/r.git
    directory: /
    ref: main
  updateStrategy: resource-merge
upstreamLock:
  type: git
  git:
    repo: https://example.com/r.git
    directory: /
    ref: main
    commit: abc
`
	cadtest.AssertSamePackage(t, Package{"notes.txt": "x", PackageContextName: wantContext, KptfileName: wantKptfile}, got)
}

func TestCloneRecordsTheUpdateStrategy(t *testing.T) {
	got, err := Clone(Package{"notes.txt": "x"}, CloneOptions{Name: "edge1", Strategy: kptfilev1.FastForward,
		Upstream: GitLock{Repo: "https://example.com/r.git", Ref: "main", Commit: "abc"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got[KptfileName], "updateStrategy: fast-forward\n") {
		t.Fatalf("the Kptfile does not record the strategy:\n%s", got[KptfileName])
	}
}

func TestCloneFromAnImageRecordsItAsUpstreamPorchDoes(t *testing.T) {
	upstream := Package{KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: base\n", "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"}
	got, err := Clone(upstream, CloneOptions{Name: "edge1", Upstream: ImageLock{
		Image: "registry.example.com/blueprints/base:v1", Digest: "registry.example.com/blueprints/base:v1@sha256:abc"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: edge1
upstream:
  type: oci
  oci:
    image: registry.example.com/blueprints/base:v1
  updateStrategy: resource-merge
upstreamLock:
  type: oci
  oci:
    image: registry.example.com/blueprints/base:v1@sha256:abc
`
	if got[KptfileName] != want {
		t.Fatalf("Kptfile:\n%s\nwant:\n%s", got[KptfileName], want)
	}
}

func TestCloneErrors(t *testing.T) {
	tests := []struct {
		name     string
		upstream Package
		opts     CloneOptions
		want     string
	}{
		{name: "no name", upstream: Package{}, want: "name is required"},
		{name: "no origin", upstream: Package{}, opts: CloneOptions{Name: "x"}, want: "origin is required"},
		{name: "bad Kptfile", upstream: Package{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nbogus: 1\n"}, opts: CloneOptions{Name: "x"}, want: "Kptfile"},
		{name: "bad resource", upstream: Package{"bad.yaml": "a: [\n"}, opts: CloneOptions{Name: "x"}, want: "bad.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Clone(tc.upstream, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func TestEditCopies(t *testing.T) {
	src := Package{"a": "1"}
	got := Edit(src)
	got["a"] = "2"
	if src["a"] != "1" {
		t.Fatal("Edit shares the source's map")
	}
}
