package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// kptBinary is the kpt these golden tests take as the reference.
const kptBinary = "/usr/bin/kpt"

// oracle renders pkg with kpt in a temporary folder and returns the files
// it left, its results and whether it succeeded.
func oracle(t *testing.T, pkg cad.Package) (_ cad.Package, _ *fnresultv1.ResultList, progress, dir string, ok bool) {
	t.Helper()
	if _, err := os.Stat(kptBinary); err != nil {
		t.Skipf("kpt is not installed: %v", err)
	}
	tmp := t.TempDir()
	dir = filepath.Join(tmp, "pkg")
	results := filepath.Join(tmp, "results")
	writeDir(t, dir, pkg)
	if err := os.Mkdir(results, 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(kptBinary, "fn", "render", "--allow-exec", dir, "--results-dir", results)
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if _, ok := runErr.(*exec.ExitError); runErr != nil && !ok {
		t.Fatalf("running kpt: %v", runErr)
	}
	// kpt writes no results when it fails before running any function.
	data, err := os.ReadFile(filepath.Join(results, "results.yaml"))
	if err != nil && (runErr == nil || !os.IsNotExist(err)) {
		t.Fatalf("kpt wrote no results: %v\n%s", err, out.String())
	}
	list := *fnresultv1.NewResultList()
	if err := yaml.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	return readDir(t, dir), &list, out.String(), dir, runErr == nil
}

// goldenCase renders pkg both with kpt and with Render and requires the same
// files, the same results and the same outcome.
func goldenCase(t *testing.T, pkg cad.Package) (cad.Package, *Result, error) {
	t.Helper()
	pkg = withFunctions(t, pkg)
	want, wantResults, wantProgress, dir, wantOK := oracle(t, pkg)
	var progress bytes.Buffer
	// Rendered as if it lived where kpt rendered it, functions see the
	// same package paths.
	opts := Options{Progress: &progress, Name: "pkg", Path: filepath.ToSlash(dir)}
	got, gotResults, err := Render(context.Background(), pkg, ExecRunner{}, opts)
	if (err == nil) != wantOK {
		t.Fatalf("Render error = %v, kpt succeeded = %v", err, wantOK)
	}
	comparePackages(t, got, want)
	checkRenderStatus(t, got, gotResults, err, opts.Path)
	sameItems := len(gotResults.Items) == 0 && len(wantResults.Items) == 0 ||
		reflect.DeepEqual(gotResults.Items, wantResults.Items)
	if gotResults.ExitCode != wantResults.ExitCode || !sameItems {
		g, _ := yaml.Marshal(gotResults)
		w, _ := yaml.Marshal(wantResults)
		t.Errorf("results differ\n--- got\n%s\n--- want\n%s", g, w)
	}
	if progressLines(progress.String()) != progressLines(wantProgress) {
		t.Errorf("progress differs\n--- got\n%s\n--- want\n%s", progress.String(), wantProgress)
	}
	return got, gotResults, err
}

var durations = regexp.MustCompile(` in [0-9.]+[a-zµ]*s$`)

// progressLines is progress output without durations and without what
// is not progress: blank lines, kpt's pointer to its results file, its
// final error.
func progressLines(s string) string {
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " ")
		if strings.HasPrefix(line, "Error: ") {
			break // kpt's final error, which may span lines
		}
		if !isProgress(line) {
			continue
		}
		lines = append(lines, durations.ReplaceAllString(line, " in <d>"))
	}
	return strings.Join(lines, "\n")
}

func TestGoldenSubpackagesConfigAndSelectors(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile": kptfileText("root", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      team: blue
  - exec: $FN/setnamespace
    configPath: ns.yaml
    selectors:
    - kind: ConfigMap
  validators:
  - exec: $FN/denyannotation
    configMap:
      annotation: forbidden
`),
		"ns.yaml":   configMapYAML("ns-config", "namespace: prod", true),
		"res.yaml":  configMapYAML("cm1", "a: b", false) + "---\n" + deployment("dep", nil),
		"README.md": "# not a resource\n  kind: x\n",
		"sub/Kptfile": kptfileText("sub", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      sub: "yes"
`),
		"sub/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n    - port: 80\n",
	})
}

func TestGoldenSelectorFields(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile": kptfileText("root", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      all: "true"
    exclude:
    - kind: Deployment
    - annotations:
        skip: "yes"
  - exec: $FN/setlabels
    configMap:
      by-label: "true"
    selectors:
    - labels:
        app: web
    - apiVersion: apps/v1
      name: db
  - exec: $FN/setnamespace
    configMap:
      namespace: other
    selectors:
    - namespace: ns1
      kind: Service
  validators:
  - exec: $FN/denyannotation
    configMap:
      annotation: skip
    exclude:
    - kind: Service
`),
		"a.yaml": deployment("web", map[string]string{"app": "web"}) + "---\n" + deployment("db", nil),
		"b.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s1\n  namespace: ns1\n  annotations:\n    skip: \"yes\"\n" +
			"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s2\n  namespace: ns2\n  labels:\n    app: web\n",
	})
}

func TestGoldenNestedPackagesDeletesAndCreates(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile": kptfileText("root", "", `
  mutators:
  - exec: $FN/prune
    configMap:
      add: created-by-root
  - exec: $FN/setlabels
    configMap:
      level: root
`),
		"gone.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n  annotations:\n    prune: \"true\"\n",
		"a/Kptfile": kptfileText("a", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      level: a
`),
		"a/cm.yaml": configMapYAML("in-a", "k: v", false),
		"a/a1/Kptfile": kptfileText("a1", "", `
  mutators:
  - exec: $FN/prune
`),
		"a/a1/cm.yaml":     configMapYAML("in-a1", "k: v", false) + "---\n" + "apiVersion: v1\nkind: Secret\nmetadata:\n  name: pruned\n  annotations:\n    prune: \"true\"\n",
		"b/Kptfile":        kptfileText("b", "", ""),
		"b/cm.yml":         configMapYAML("in-b", "k: v", false),
		"plain/thing.yaml": configMapYAML("plain", "k: v", false),
		"plain/notes.txt":  "not yaml: [\n",
	})
}

func TestGoldenValidatorFailureLeavesPackage(t *testing.T) {
	pkg := cad.Package{
		"Kptfile": kptfileText("root", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      team: blue
  validators:
  - exec: $FN/denyannotation
    configMap:
      annotation: forbidden
`),
		"res.yaml": configMapYAML("ok", "a: b", false) +
			"---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    forbidden: \"x\"\n",
		"sub/Kptfile":  kptfileText("sub", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configMap:\n      sub: \"yes\"\n"),
		"sub/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n",
	}
	got, results, err := goldenCase(t, pkg)
	if err == nil || results.ExitCode != 1 {
		t.Fatalf("want a failure, got err=%v exitCode=%d", err, results.ExitCode)
	}
	comparePackages(t, got, withFunctions(t, pkg))
}

func isProgress(line string) bool {
	for _, prefix := range []string{"Package ", "[", "  ", "Successfully executed"} {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}
