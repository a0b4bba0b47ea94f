package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// build compiles porchctl and the render test functions it needs into a
// temporary folder and returns that folder.
func build(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	targets := map[string]string{
		"porchctl":  ".",
		"setlabels": "../../internal/cad/render/testdata/fn/setlabels",
		"prune":     "../../internal/cad/render/testdata/fn/prune",
	}
	for name, pkg := range targets {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", name, err, out)
		}
	}
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func runPorchctl(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command(filepath.Join(bin, "porchctl"), args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n"

func cm(name string) string { return strings.Replace(configMap, "%s", name, 1) }

func TestFnRender(t *testing.T) {
	bin := build(t)
	fnLabels, fnPrune := filepath.Join(bin, "setlabels"), filepath.Join(bin, "prune")

	t.Run("renders in place, deletes pruned files and reports like kpt", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "mypkg")
		writeFiles(t, dir, map[string]string{
			"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: mypkg\npipeline:\n  mutators:\n" +
				"  - exec: " + fnPrune + "\n  - exec: " + fnLabels + "\n    configMap:\n      team: blue\n",
			"keep.yaml":   cm("keep"),
			"gone.yaml":   cm("gone") + "  annotations:\n    prune: \"true\"\n",
			"README.md":   "# mypkg\n",
			"sub/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\n",
		})
		out, err := runPorchctl(t, bin, "fn", "render", dir, "--allow-exec", "--results-dir", filepath.Join(dir, "..", "results"))
		if err != nil {
			t.Fatalf("porchctl failed: %v\n%s", err, out)
		}
		for _, want := range []string{
			`Package "mypkg/sub":`, `Package "mypkg":`,
			`[RUNNING] "` + fnPrune + `"`, `[PASS] "` + fnLabels + `" in `,
			"Successfully executed 2 function(s) in 2 package(s).",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if got := readFile(t, filepath.Join(dir, "keep.yaml")); !strings.Contains(got, "team:") {
			t.Errorf("keep.yaml not labelled:\n%s", got)
		}
		if _, err := os.Stat(filepath.Join(dir, "gone.yaml")); !os.IsNotExist(err) {
			t.Errorf("gone.yaml still exists: %v", err)
		}
		if got := readFile(t, filepath.Join(dir, "README.md")); got != "# mypkg\n" {
			t.Errorf("README.md changed: %q", got)
		}
		if got := readFile(t, filepath.Join(dir, "..", "results", "results.yaml")); !strings.Contains(got, "kind: FunctionResultList") {
			t.Errorf("results.yaml:\n%s", got)
		}
	})

	t.Run("a failing function fails the command and leaves the package", func(t *testing.T) {
		dir := t.TempDir()
		kptfile := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n" +
			"  - exec: " + fnLabels + "\n    configMap:\n      team: blue\n  - exec: " + filepath.Join(bin, "missing-fn") + "\n"
		writeFiles(t, dir, map[string]string{"Kptfile": kptfile, "a.yaml": cm("a")})
		out, err := runPorchctl(t, bin, "fn", "render", dir, "--allow-exec")
		if err == nil {
			t.Fatalf("porchctl succeeded:\n%s", out)
		}
		if !strings.Contains(out, `[FAIL] "`+filepath.Join(bin, "missing-fn")+`"`) || !strings.Contains(out, "Error: render failed") {
			t.Errorf("output:\n%s", out)
		}
		if got := readFile(t, filepath.Join(dir, "a.yaml")); got != cm("a") {
			t.Errorf("a.yaml changed:\n%s", got)
		}
	})

	// The attack: a package someone else wrote, whose pipeline runs a
	// binary of this machine. Without --allow-exec nothing runs, and the
	// message names the function and the flag, as kpt's does.
	t.Run("exec functions run with --allow-exec only", func(t *testing.T) {
		dir := t.TempDir()
		marker := filepath.Join(t.TempDir(), "ran")
		writeFiles(t, dir, map[string]string{
			"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\n",
			"sub/Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: sub\npipeline:\n  validators:\n" +
				"  - exec: touch " + marker + "\n",
			"a.yaml": cm("a"),
		})
		out, err := runPorchctl(t, bin, "fn", "render", dir)
		want := `Error: package "sub": function "touch ` + marker + `": must run with ` + "`--allow-exec`" + ` option to allow running function binaries`
		if err == nil || !strings.Contains(out, want) {
			t.Fatalf("want %q, got err=%v output:\n%s", want, err, out)
		}
		if _, err := os.Stat(marker); !os.IsNotExist(err) {
			t.Fatalf("the exec function ran: %v", err)
		}
	})

	t.Run("image functions of the catalog run in-process; an unknown image is named", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n" +
				"  - image: ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4\n    configMap:\n      namespace: prod\n",
			"cm.yaml": cm("a"),
		})
		out, err := runPorchctl(t, bin, "fn", "render", dir)
		if err != nil || !strings.Contains(out, `[PASS] "ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4"`) {
			t.Fatalf("err=%v output:\n%s", err, out)
		}
		if got := readFile(t, filepath.Join(dir, "cm.yaml")); !strings.Contains(got, "namespace: prod") {
			t.Errorf("set-namespace did not run:\n%s", got)
		}

		writeFiles(t, dir, map[string]string{
			"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n  - image: ghcr.io/example/set-labels:v1\n",
		})
		out, err = runPorchctl(t, bin, "fn", "render", dir)
		if err == nil || !strings.Contains(out, "ghcr.io/example/set-labels:v1") || !strings.Contains(out, `no function runner knows image "ghcr.io/example/set-labels:v1"`) {
			t.Errorf("an unknown image: err=%v output:\n%s", err, out)
		}
	})
}
