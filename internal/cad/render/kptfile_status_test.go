package render

import (
	"context"
	"errors"
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// rootStatus is the status of pkg's root Kptfile.
func rootStatus(t *testing.T, pkg cad.Package) kptfilev1.Status {
	t.Helper()
	kf, err := kptfile.Read(pkg[cad.KptfileName])
	if err != nil {
		t.Fatal(err)
	}
	if kf.Status == nil {
		t.Fatalf("the root Kptfile has no status:\n%s", pkg[cad.KptfileName])
	}
	return *kf.Status
}

func TestRenderRecordsSuccessInRootKptfile(t *testing.T) {
	pkg := cad.Package{
		"Kptfile": kptfileText("root", "", "\n  mutators:\n  - exec: one\n    name: first\n  validators:\n  - exec: two\n") +
			"status:\n  conditions:\n  - type: gate.example.com/approved\n    status: \"True\"\n  - type: Rendered\n    status: \"False\"\n    reason: RenderFailed\n    message: stale\n",
		"cm.yaml":     configMapYAML("cm", "a: b", false),
		"sub/Kptfile": kptfileText("sub", "", "\n  mutators:\n  - exec: three\n"),
	}
	got, _, err := Render(context.Background(), pkg, &fakeRunner{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	status := rootStatus(t, got)
	want := []kptfilev1.Condition{
		{Type: "gate.example.com/approved", Status: kptfilev1.ConditionTrue},
		kptfilev1.NewRenderedCondition(kptfilev1.ConditionTrue, kptfilev1.ReasonRenderSuccess, ""),
	}
	if len(status.Conditions) != 2 || status.Conditions[0] != want[0] || status.Conditions[1] != want[1] {
		t.Errorf("conditions = %+v, want the other condition kept and Rendered replaced in place: %+v", status.Conditions, want)
	}
	rs := status.RenderStatus
	if rs == nil || len(rs.MutationSteps) != 2 || len(rs.ValidationSteps) != 1 || rs.ErrorSummary != "" {
		t.Fatalf("renderStatus = %+v", rs)
	}
	// The subpackage's pipeline ran first, as kpt's depth-first order has it.
	if s := rs.MutationSteps[0]; s.ExecPath != "three" || s.Name != "" || s.ExitCode != 0 {
		t.Errorf("first mutation step = %+v", s)
	}
	if s := rs.MutationSteps[1]; s.ExecPath != "one" || s.Name != "first" {
		t.Errorf("second mutation step = %+v", s)
	}
	if s := rs.ValidationSteps[0]; s.ExecPath != "two" {
		t.Errorf("validation step = %+v", s)
	}
	if strings.Contains(got["sub/Kptfile"], "status:") {
		t.Errorf("a subpackage's Kptfile got a status:\n%s", got["sub/Kptfile"])
	}
	again, _, err := Render(context.Background(), got, &fakeRunner{}, Options{})
	if err != nil || again[cad.KptfileName] != got[cad.KptfileName] {
		t.Errorf("rendering again changed the Kptfile (err %v):\n%s\n---\n%s", err, got[cad.KptfileName], again[cad.KptfileName])
	}
}

func TestRenderRecordsFailureInRootKptfile(t *testing.T) {
	pkg := pipelinePkg("one", "fail-two", "three")
	got, _, err := Render(context.Background(), pkg, &fakeRunner{}, Options{})
	if err == nil {
		t.Fatal("want an error")
	}
	status := rootStatus(t, got)
	if len(status.Conditions) != 1 || status.Conditions[0] != kptfilev1.NewRenderedCondition(kptfilev1.ConditionFalse, kptfilev1.ReasonRenderFailed, err.Error()) {
		t.Errorf("conditions = %+v, want Rendered False with %q", status.Conditions, err)
	}
	rs := status.RenderStatus
	if rs == nil || len(rs.MutationSteps) != 2 || rs.ErrorSummary != "fail-two: exit code 2" {
		t.Fatalf("renderStatus = %+v", rs)
	}
	failed := rs.MutationSteps[1]
	if failed.ExitCode != 2 || failed.Stderr != "boom\n" || failed.ExecutionError != "" ||
		len(failed.Results) != 1 || len(failed.ErrorResults) != 1 || failed.ErrorResults[0].Severity != framework.Error {
		t.Errorf("failed step = %+v", failed)
	}
	for name, content := range pkg {
		if name != cad.KptfileName && got[name] != content {
			t.Errorf("%s changed on failure:\n%s", name, got[name])
		}
	}
}

// A function that never ran to an exit code (not found, stopped) records
// why as its execution error; the folder of a package rendered on disk
// shows as ".", so that the status reads the same wherever it was made.
func TestRenderRecordsExecutionErrorRelativeToThePackage(t *testing.T) {
	pkg := pipelinePkg("missing")
	root := "/home/someone/pkgs/root"
	runner := errRunner{err: errors.New("no executable at " + root + "/bin/missing")}
	got, _, err := Render(context.Background(), pkg, runner, Options{Path: root})
	if err == nil {
		t.Fatal("want an error")
	}
	status := rootStatus(t, got)
	if msg := status.Conditions[0].Message; strings.Contains(msg, root) || !strings.Contains(msg, "./bin/missing") {
		t.Errorf("Rendered message %q names the package's folder", msg)
	}
	step := status.RenderStatus.MutationSteps[0]
	if !strings.Contains(step.ExecutionError, "no executable at ./bin/missing") ||
		status.RenderStatus.ErrorSummary != "missing: "+step.ExecutionError {
		t.Errorf("step = %+v, summary %q", step, status.RenderStatus.ErrorSummary)
	}
}

func TestRenderWithoutFunctionsRecordsOnlyTheCondition(t *testing.T) {
	pkg := cad.Package{"Kptfile": kptfileText("root", "", ""), "cm.yaml": configMapYAML("cm", "a: b", false)}
	got, _, err := Render(context.Background(), pkg, &fakeRunner{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	status := rootStatus(t, got)
	if len(status.Conditions) != 1 || status.Conditions[0].Status != kptfilev1.ConditionTrue || status.RenderStatus != nil {
		t.Errorf("status = %+v", status)
	}
	want := "status:\n  conditions:\n    - type: Rendered\n      status: \"True\"\n      reason: RenderSuccess\n"
	if !strings.HasSuffix(got[cad.KptfileName], want) {
		t.Errorf("Kptfile, written as kpt writes it, ends\n%s\nwant\n%s", got[cad.KptfileName], want)
	}
}

func TestRenderBoundsTheStderrItRecords(t *testing.T) {
	pkg := pipelinePkg("noisy")
	runner := errRunner{err: exitErr(1), stderr: strings.Repeat("x", 3*maxStepStderr)}
	got, _, _ := Render(context.Background(), pkg, runner, Options{})
	step := rootStatus(t, got).RenderStatus.MutationSteps[0]
	if len(step.Stderr) > maxStepStderr+64 || !strings.Contains(step.Stderr, "more bytes") {
		t.Errorf("recorded stderr of %d bytes", len(step.Stderr))
	}
}

// errRunner fails every function with err, writing stderr.
type errRunner struct {
	err    error
	stderr string
}

func (e errRunner) Run(context.Context, cad.Function, []byte) ([]byte, []byte, error) {
	return nil, []byte(e.stderr), e.err
}

// The status a render of real functions records, whole, as current kpt
// writes it: the Rendered condition with the error, relative to the
// package, and each step with its results, the failing validator's errors
// and the summary. Beside the kpt-oracle tests, whose kpt predates it.
func TestGoldenRenderStatusOfAFailedValidation(t *testing.T) {
	pkg := withFunctions(t, cad.Package{
		"Kptfile": kptfileText("root", "", `
  mutators:
  - exec: $FN/setlabels
    name: label
    configMap:
      team: blue
  validators:
  - exec: $FN/denyannotation
    configMap:
      annotation: forbidden
`),
		"res.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    forbidden: \"x\"\n",
	})
	root := t.TempDir()
	got, _, err := Render(context.Background(), pkg, ExecRunner{}, Options{Path: root})
	if err == nil {
		t.Fatal("want the validator to fail")
	}
	kf := strings.ReplaceAll(got[cad.KptfileName], functionsDir(t), "$FN")
	_, status, _ := strings.Cut(kf, "\nstatus:\n")
	want := `  conditions:
  - type: Rendered
    status: "False"
    reason: RenderFailed
    message: 'package ".": function "$FN/denyannotation" failed: exit status 1'
  renderStatus:
    mutationSteps:
    - name: label
      exec: $FN/setlabels
      exitCode: 0
    validationSteps:
    - exec: $FN/denyannotation
      stderr: |-
        checking annotations
        [error] v1/Secret/s: annotation forbidden is not allowed
      exitCode: 1
      results:
      - message: annotation forbidden is not allowed
        severity: error
        resourceRef:
          apiVersion: v1
          kind: Secret
          name: s
      errorResults:
      - message: annotation forbidden is not allowed
        severity: error
        resourceRef:
          apiVersion: v1
          kind: Secret
          name: s
    errorSummary: '$FN/denyannotation: exit code 1'
`
	if status != want {
		t.Errorf("status:\n%s\nwant\n%s", status, want)
	}
}
