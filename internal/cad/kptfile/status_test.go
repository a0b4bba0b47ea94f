package kptfile

import (
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

const withComments = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app # the app
pipeline:
  mutators:
  - image: set-labels:v0.2 # keep me
status:
  conditions:
  - type: example.com/reviewed
    status: "True"
`

// Recording a render touches the status only: comments, order and the
// sequence style of the rest stay, another condition stays before it, and
// taking it away gives the Kptfile back as it was.
func TestRenderStatusKeepsTheRest(t *testing.T) {
	failed := kptfilev1.NewRenderedCondition(kptfilev1.ConditionFalse, kptfilev1.ReasonRenderFailed, "boom")
	steps := &kptfilev1.RenderStatus{MutationSteps: []kptfilev1.PipelineStepResult{{Image: "set-labels:v0.2", ExitCode: 1}}, ErrorSummary: "set-labels:v0.2: exit code 1"}
	got, err := WithRenderStatus(withComments, failed, steps)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := `status:
  conditions:
  - type: example.com/reviewed
    status: "True"
  - type: Rendered
    status: "False"
    reason: RenderFailed
    message: boom
  renderStatus:
    mutationSteps:
    - image: set-labels:v0.2
      exitCode: 1
    errorSummary: 'set-labels:v0.2: exit code 1'
`
	if !strings.HasPrefix(got, strings.TrimSuffix(withComments, "status:\n  conditions:\n  - type: example.com/reviewed\n    status: \"True\"\n")) || !strings.HasSuffix(got, wantStatus) {
		t.Errorf("got\n%s\nwant the rest as it was and\n%s", got, wantStatus)
	}
	// A later render replaces the condition in place and drops old steps.
	ok := kptfilev1.NewRenderedCondition(kptfilev1.ConditionTrue, kptfilev1.ReasonRenderSuccess, "")
	again, err := WithRenderStatus(got, ok, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(again, "renderStatus") || strings.Count(again, "type: Rendered") != 1 || !strings.Contains(again, "reason: RenderSuccess") {
		t.Errorf("a second render recorded:\n%s", again)
	}
	stripped, err := WithoutRenderStatus(again)
	if err != nil || stripped != withComments {
		t.Errorf("without the render status (err %v):\n%s\nwant\n%s", err, stripped, withComments)
	}
}

// kpt's Rendered condition is no package condition: it is not read into
// the API's, and writing the API's keeps it.
func TestRenderedIsNoPackageCondition(t *testing.T) {
	content, err := WithRenderStatus(withComments, kptfilev1.NewRenderedCondition(kptfilev1.ConditionTrue, kptfilev1.ReasonRenderSuccess, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	kf, err := Read(content)
	if err != nil {
		t.Fatal(err)
	}
	reviewed := []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "True"}}
	if got := PackageConditions(kf); len(got) != 1 || got[0] != reviewed[0] {
		t.Errorf("package conditions = %+v", got)
	}
	if !HasPackageConditions(kf, reviewed) {
		t.Error("HasPackageConditions counts the Rendered condition")
	}
	SetPackageConditions(kf, []porchv1alpha1.PackageCondition{{Type: "example.com/tested", Status: "False"}})
	if n := len(kf.Status.Conditions); n != 2 || kf.Status.Conditions[0].Type != "example.com/tested" || kf.Status.Conditions[1].Type != kptfilev1.ConditionTypeRendered {
		t.Errorf("conditions after SetPackageConditions = %+v", kf.Status.Conditions)
	}
}
