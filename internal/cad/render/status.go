package render

import (
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// ToRenderStatus turns what Render returned into the API's RenderStatus,
// the shape PackageRevisionResources and PackageVariant report, so that
// controllers do not copy kpt's result types field by field themselves.
func ToRenderStatus(result *Result, err error) porchv1alpha1.RenderStatus {
	var status porchv1alpha1.RenderStatus
	if err != nil {
		status.Err = err.Error()
	}
	if result == nil {
		return status
	}
	status.Result = porchv1alpha1.ResultList{ExitCode: result.ExitCode}
	status.Result.APIVersion, status.Result.Kind = result.APIVersion, result.Kind
	for _, item := range result.Items {
		out := porchv1alpha1.Result{
			Image:    item.Image,
			ExecPath: item.ExecPath,
			Stderr:   item.Stderr,
			ExitCode: item.ExitCode,
		}
		for _, r := range item.Results {
			ri := porchv1alpha1.ResultItem{Message: r.Message, Severity: string(r.Severity), Tags: r.Tags}
			if ref := r.ResourceRef; ref != nil {
				ri.ResourceRef = &porchv1alpha1.ResourceIdentifier{
					APIVersion: ref.APIVersion, Kind: ref.Kind, Name: ref.Name, Namespace: ref.Namespace,
				}
			}
			if f := r.Field; f != nil {
				ri.Field = &porchv1alpha1.Field{Path: f.Path, CurrentValue: f.CurrentValue, ProposedValue: f.ProposedValue}
			}
			if f := r.File; f != nil {
				ri.File = &porchv1alpha1.File{Path: f.Path, Index: f.Index}
			}
			out.Results = append(out.Results, ri)
		}
		status.Result.Items = append(status.Result.Items, out)
	}
	return status
}
