package render

import (
	"context"
	"errors"
	"reflect"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestToRenderStatus(t *testing.T) {
	pkg := pipelinePkg("one", "fail-two")
	_, res, err := Render(context.Background(), pkg, &fakeRunner{}, Options{})
	got := ToRenderStatus(res, err)
	want := porchv1alpha1.RenderStatus{
		Err: err.Error(),
		Result: porchv1alpha1.ResultList{
			ExitCode: 1,
			Items: []porchv1alpha1.Result{
				{ExecPath: "one"},
				{ExecPath: "fail-two", ExitCode: 2, Stderr: "boom\n", Results: []porchv1alpha1.ResultItem{{
					Message: "broken", Severity: "error",
					ResourceRef: &porchv1alpha1.ResourceIdentifier{APIVersion: "v1", Kind: "ConfigMap", Name: "cm"},
					Field:       &porchv1alpha1.Field{Path: "data.a", ProposedValue: "c"},
					File:        &porchv1alpha1.File{Path: "cm.yaml", Index: 1},
				}}},
			},
		},
	}
	want.Result.APIVersion, want.Result.Kind = "kpt.dev/v1", "FunctionResultList"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if s := ToRenderStatus(nil, errors.New("x")); s.Err != "x" || len(s.Result.Items) != 0 {
		t.Errorf("nil result: %+v", s)
	}
}
