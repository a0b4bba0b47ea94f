package render

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/cadtest"
)

// fakeRunner answers each function by its name: a function named fail-*
// fails with exit code 2 and a result; one named drop removes the resources
// named gone; any other returns its input with a label naming it on every
// item.
type fakeRunner struct{ calls []string }

func (f *fakeRunner) Run(_ context.Context, fn cad.Function, rl []byte) ([]byte, []byte, error) {
	name := fn.Exec + fn.Image
	f.calls = append(f.calls, name)
	if strings.HasPrefix(name, "fail") {
		out := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: broken\n  severity: error\n" +
			"  resourceRef: {apiVersion: v1, kind: ConfigMap, name: cm}\n  field: {path: data.a, proposedValue: c}\n  file: {path: cm.yaml, index: 1}\n"
		return []byte(out), []byte("boom\n"), exitErr(2)
	}
	if name == "drop" {
		return dropNamed(rl, "gone")
	}
	return labelAll(rl, "by", name)
}

type exitErr int

func (e exitErr) Error() string { return "exit status" }
func (e exitErr) ExitCode() int { return int(e) }

func pipelinePkg(fns ...string) cad.Package {
	body := "\n  mutators:\n"
	for _, fn := range fns {
		body += "  - exec: " + fn + "\n"
	}
	return cad.Package{
		"Kptfile":  kptfileText("root", "", body),
		"cm.yaml":  configMapYAML("cm", "a: b", false),
		"data.txt": "untouched",
	}
}

func TestRenderFailureLeavesPackageAndReportsResults(t *testing.T) {
	pkg := pipelinePkg("one", "fail-two", "three")
	runner := &fakeRunner{}
	got, res, err := Render(context.Background(), pkg, runner, Options{})
	if err == nil || !strings.Contains(err.Error(), `"fail-two"`) {
		t.Fatalf("want an error naming the function, got %v", err)
	}
	if !reflect.DeepEqual(cad.Package(cadtest.WithoutRenderStatus(got)), pkg) {
		t.Errorf("package changed on failure:\n%v", got)
	}
	if !reflect.DeepEqual(runner.calls, []string{"one", "fail-two"}) {
		t.Errorf("calls = %v", runner.calls)
	}
	if res.ExitCode != 1 || len(res.Items) != 2 || res.Items[1].ExitCode != 2 ||
		res.Items[1].Stderr != "boom\n" || len(res.Items[1].Results) != 1 || res.Items[1].Results[0].Message != "broken" {
		t.Errorf("results = %+v", res)
	}
}

func TestRenderSaveOnFailureKeepsPartialResult(t *testing.T) {
	pkg := pipelinePkg("one", "fail-two")
	pkg["gone.yaml"] = configMapYAML("gone", "k: v", false)
	pkg["Kptfile"] = kptfileText("root", "  annotations:\n    kpt.dev/save-on-render-failure: \"true\"\n", "\n  mutators:\n  - exec: one\n  - exec: drop\n  - exec: fail-two\n")
	got, _, err := Render(context.Background(), pkg, &fakeRunner{}, Options{})
	if err == nil {
		t.Fatal("want an error")
	}
	if !regexp.MustCompile(`by: '?one'?`).MatchString(got["cm.yaml"]) {
		t.Errorf("partial result not saved:\n%s", got["cm.yaml"])
	}
	if _, ok := got["gone.yaml"]; !ok {
		t.Error("a failed render pruned gone.yaml")
	}
	if got["data.txt"] != "untouched" {
		t.Errorf("data.txt = %q", got["data.txt"])
	}
}

func TestRenderErrors(t *testing.T) {
	cases := map[string]struct {
		pkg  cad.Package
		want string
	}{
		"invalid yaml": {
			pkg:  cad.Package{"Kptfile": kptfileText("root", "", ""), "dir/bad.yaml": "a: [\n"},
			want: "dir/bad.yaml",
		},
		"missing function config": {
			pkg:  cad.Package{"Kptfile": kptfileText("root", "", "\n  mutators:\n  - exec: one\n    configPath: nope.yaml\n")},
			want: `missing function config "nope.yaml"`,
		},
		"missing subpackage function config": {
			pkg: cad.Package{
				"Kptfile":     kptfileText("root", "", ""),
				"sub/Kptfile": kptfileText("sub", "", "\n  mutators:\n  - exec: one\n    configPath: cfg.yaml\n"),
			},
			want: `missing function config "sub/cfg.yaml"`,
		},
		"no root Kptfile": {
			pkg:  cad.Package{"sub/Kptfile": kptfileText("sub", "", "")},
			want: "no Kptfile",
		},
		"a file outside the package": {
			pkg:  cad.Package{"Kptfile": kptfileText("root", "", ""), "../escape.yaml": "a: b\n"},
			want: `file path "../escape.yaml" must be relative and inside the package`,
		},
		"image and exec": {
			pkg:  cad.Package{"Kptfile": kptfileText("root", "", "\n  mutators:\n  - exec: one\n    image: two\n")},
			want: "must not specify both `image` and `exec`",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, err := Render(context.Background(), tc.pkg, &fakeRunner{}, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to mention %q", err, tc.want)
			}
			if !reflect.DeepEqual(cad.Package(cadtest.WithoutRenderStatus(got)), tc.pkg) {
				t.Errorf("package changed on error:\n%v", got)
			}
		})
	}
}

func TestRenderImageFunctionWithExecRunner(t *testing.T) {
	pkg := cad.Package{"Kptfile": kptfileText("root", "", "\n  mutators:\n  - image: ghcr.io/x/set-labels:v1\n")}
	_, res, err := Render(context.Background(), pkg, ExecRunner{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "image functions need the function runner: ghcr.io/x/set-labels:v1") {
		t.Fatalf("error = %v", err)
	}
	if len(res.Items) != 1 || res.Items[0].Image != "ghcr.io/x/set-labels:v1" || res.Items[0].ExitCode != 1 {
		t.Errorf("results = %+v", res.Items)
	}
}

func TestPackageTreeDepthFirst(t *testing.T) {
	pkg := cad.Package{}
	for _, d := range []string{"", "b/", "a/", "a/x/", "a/x/y/", "b/z/", "plain/deep/"} {
		pkg[d+"Kptfile"] = ""
	}
	var got []string
	var visit func(n *pkgNode)
	visit = func(n *pkgNode) {
		for _, c := range n.children {
			visit(c)
		}
		got = append(got, n.dir)
	}
	visit(packageTree(pkg))
	want := []string{"a/x/y", "a/x", "a", "b/z", "b", "plain/deep", ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("render order = %q, want %q", got, want)
	}
	if packageTree(cad.Package{"sub/Kptfile": ""}) != nil {
		t.Error("a package without a root Kptfile has a tree")
	}
}

func TestExitCode(t *testing.T) {
	if exitCode(errors.New("x")) != 1 || exitCode(exitErr(3)) != 3 {
		t.Error("exitCode")
	}
}
