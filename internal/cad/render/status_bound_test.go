package render

import (
	"strings"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestBoundStatusKeepsASmallStatusWhole(t *testing.T) {
	status := porchv1alpha1.RenderStatus{Err: "boom", Result: porchv1alpha1.ResultList{Items: []porchv1alpha1.Result{
		{Image: "fn", Stderr: "oops", Results: []porchv1alpha1.ResultItem{{Message: "m", Severity: "error"}}}}}}
	got := BoundStatus(status, 1<<10)
	if got.Err != "boom" || got.Result.Items[0].Stderr != "oops" || len(got.Result.Items[0].Results) != 1 {
		t.Errorf("BoundStatus changed a small status: %+v", got)
	}
}

// TestBoundStatusCutsWhatAFunctionFloodsItWith is the attack: a function
// that writes megabytes of standard error and a hundred thousand results.
func TestBoundStatusCutsWhatAFunctionFloodsItWith(t *testing.T) {
	const most = 128 << 10
	flood := porchv1alpha1.Result{Image: "flooder", ExitCode: 1, Stderr: strings.Repeat("noise\n", 1<<20) + "the real failure"}
	for range 100000 {
		flood.Results = append(flood.Results, porchv1alpha1.ResultItem{Message: "x", Severity: "info"})
	}
	status := porchv1alpha1.RenderStatus{Err: strings.Repeat("e", 1<<20), Result: porchv1alpha1.ResultList{ExitCode: 1, Items: []porchv1alpha1.Result{
		{Image: "first", Results: []porchv1alpha1.ResultItem{{Message: "kept", Severity: "warning"}}}, flood}}}
	got := BoundStatus(status, most)
	if size := statusSize(got); size > most {
		t.Fatalf("the bounded status is %d bytes, over %d", size, most)
	}
	if !strings.HasSuffix(got.Result.Items[1].Stderr, "the real failure") {
		t.Error("the end of standard error, where the failure is, was cut")
	}
	if got.Result.Items[0].Results[0].Message != "kept" {
		t.Error("the first function's result was left out before the flooder's")
	}
	results := got.Result.Items[1].Results
	if note := results[len(results)-1].Message; !strings.Contains(note, "more results") || !strings.Contains(note, "131072 bytes") {
		t.Errorf("no note of what was left out: %q", note)
	}
	if len(status.Result.Items[1].Results) != 100000 {
		t.Error("BoundStatus changed its argument")
	}
}
