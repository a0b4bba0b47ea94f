package rpkg

import (
	"bytes"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestReportPush(t *testing.T) {
	failed := &porchv1alpha1.RenderStatus{Err: "boom", Result: porchv1alpha1.ResultList{ExitCode: 1, Items: []porchv1alpha1.Result{
		{Image: "example.com/ok:v1", Results: []porchv1alpha1.ResultItem{{Message: "two\nlines", Severity: "warning",
			ResourceRef: &porchv1alpha1.ResourceIdentifier{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "cm"},
			Field:       &porchv1alpha1.Field{Path: "data.a"}}}},
		{Image: "example.com/bad:v1", ExitCode: 1},
	}}}
	progress := "[RUNNING] \"example.com/ok:v1\"\n[PASS] \"example.com/ok:v1\"\n" +
		"  Results:\n    [warning] v1/ConfigMap/ns/cm data.a: two lines\n" +
		"[RUNNING] \"example.com/bad:v1\"\n[FAIL] \"example.com/bad:v1\"\n"
	for _, c := range []struct {
		name           string
		status         *porchv1alpha1.RenderStatus
		commit         string
		stdout, stderr string
		err            string
	}{
		{name: "rendered", status: &porchv1alpha1.RenderStatus{}, commit: "c1", stdout: "r pushed\n"},
		{name: "nothing rendered yet", commit: "c0", stdout: "r pushed\n"},
		{name: "failed, nothing committed", status: failed, commit: "c0", stderr: progress,
			err: "error rendering package in kpt function pipeline. Package NOT pushed to remote. " +
				"Fix locally (until 'porchctl fn render' succeeds) and retry. Details: boom"},
		{name: "failed, committed anyway", status: failed, commit: "c1", stderr: progress,
			err: "error rendering package in kpt function pipeline. Package pushed to remote despite render failure. Details: boom"},
	} {
		t.Run(c.name, func(t *testing.T) {
			prr := &porchv1alpha1.PackageRevisionResources{Status: porchv1alpha1.PackageRevisionResourcesStatus{RenderStatus: c.status, Commit: c.commit}}
			var stdout, stderr bytes.Buffer
			err := reportPush(&stdout, &stderr, "r", "c0", prr)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			same(t, "error", c.err, gotErr)
			same(t, "stdout", c.stdout, stdout.String())
			same(t, "stderr", c.stderr, stderr.String())
		})
	}
}
