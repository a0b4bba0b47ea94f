package render

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/cadtest"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// testFunctions are the exec functions of testdata/fn, built once per run.
var testFunctions = []string{"setlabels", "setnamespace", "denyannotation", "prune", "movefile", "order"}

var (
	buildOnce sync.Once
	fnDir     string
	buildErr  error
)

// functionsDir builds the test functions into a temporary folder and
// returns it. The folder outlives the test that first asks for it, so it
// lives under the OS temp dir and is removed by TestMain.
func functionsDir(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		fnDir, buildErr = os.MkdirTemp("", "render-fn-")
		if buildErr != nil {
			return
		}
		for _, name := range testFunctions {
			cmd := exec.Command("go", "build", "-o", filepath.Join(fnDir, name), "./testdata/fn/"+name)
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = &buildError{name: name, out: string(out), err: err}
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatalf("building test functions: %v", buildErr)
	}
	return fnDir
}

type buildError struct {
	name, out string
	err       error
}

func (e *buildError) Error() string { return e.name + ": " + e.err.Error() + "\n" + e.out }

func TestMain(m *testing.M) {
	code := m.Run()
	if fnDir != "" {
		_ = os.RemoveAll(fnDir)
	}
	os.Exit(code)
}

// withFunctions replaces $FN in every file of pkg with the folder of the
// built test functions.
func withFunctions(t *testing.T, pkg cad.Package) cad.Package {
	dir := functionsDir(t)
	out := cad.Package{}
	for name, content := range pkg {
		out[name] = strings.ReplaceAll(content, "$FN", dir)
	}
	return out
}

func writeDir(t *testing.T, dir string, pkg cad.Package) {
	t.Helper()
	for name, content := range pkg {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readDir(t *testing.T, dir string) cad.Package {
	t.Helper()
	pkg := cad.Package{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		pkg[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

var spaces = regexp.MustCompile(`[ \t]+`)

// normalise drops the whitespace differences that carry no meaning: runs of
// spaces inside lines, trailing spaces and blank lines.
func normalise(s string) string {
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		indent := len(line) - len(strings.TrimLeft(line, " "))
		rest := strings.TrimSpace(spaces.ReplaceAllString(line[indent:], " "))
		if rest != "" {
			lines = append(lines, line[:indent]+rest)
		}
	}
	return strings.Join(lines, "\n")
}

// checkRenderStatus fails t unless the root Kptfile of got records the
// render's outcome as current kpt does: Rendered True, or False with the
// error, and one step for each function run, with its exit code.
func checkRenderStatus(t *testing.T, got cad.Package, results *Result, renderErr error, root string) {
	t.Helper()
	kf, err := kptfile.Read(got[cad.KptfileName])
	if err != nil {
		return // the render reported it; nothing could be recorded
	}
	if kf.Status == nil {
		t.Fatalf("the root Kptfile has no status:\n%s", got[cad.KptfileName])
	}
	i := slices.IndexFunc(kf.Status.Conditions, func(c kptfilev1.Condition) bool { return c.Type == kptfilev1.ConditionTypeRendered })
	if i < 0 {
		t.Fatalf("the root Kptfile has no Rendered condition:\n%s", got[cad.KptfileName])
	}
	want := kptfilev1.NewRenderedCondition(kptfilev1.ConditionTrue, kptfilev1.ReasonRenderSuccess, "")
	if renderErr != nil {
		want = kptfilev1.NewRenderedCondition(kptfilev1.ConditionFalse, kptfilev1.ReasonRenderFailed, strings.ReplaceAll(renderErr.Error(), root, "."))
	}
	if c := kf.Status.Conditions[i]; c != want {
		t.Errorf("Rendered condition = %+v, want %+v", c, want)
	}
	var exitCodes []int
	if rs := kf.Status.RenderStatus; rs != nil {
		for _, step := range append(slices.Clone(rs.MutationSteps), rs.ValidationSteps...) {
			exitCodes = append(exitCodes, step.ExitCode)
		}
		if (rs.ErrorSummary != "") != (renderErr != nil) {
			t.Errorf("errorSummary %q for a render that failed: %v", rs.ErrorSummary, renderErr != nil)
		}
	}
	var ran []int
	for _, item := range results.Items {
		ran = append(ran, item.ExitCode)
	}
	// A function refused before it ran (its input was not KRM) has a step
	// but no result.
	refused := len(exitCodes) == len(ran)+1 && renderErr != nil
	if len(exitCodes) != len(ran) && !refused || sum(exitCodes) != sum(ran) {
		t.Errorf("render status steps exit codes %v, functions run %v", exitCodes, ran)
	}
}

func sum(s []int) int {
	n := 0
	for _, v := range s {
		n += v
	}
	return n
}

// comparePackages fails t when got and want differ in their files or in a
// file's content, whitespace-normalised.
//
// The render status that Render records in the root Kptfile, and the kpt
// these tests take as the reference does not, is left out of got (see
// checkRenderStatus).
func comparePackages(t *testing.T, got, want cad.Package) {
	t.Helper()
	got = cad.Package(cadtest.WithoutRenderStatus(got))
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("missing file %s", name)
			continue
		}
		if normalise(g) != normalise(w) {
			t.Errorf("file %s differs\n--- got\n%s\n--- want\n%s", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected file %s:\n%s", name, got[name])
		}
	}
}
