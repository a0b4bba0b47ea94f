package packagerevision

import (
	"context"
	"path"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/render"
)

// rendering is the outcome of rendering a package: what to commit, and
// what to report.
type rendering struct {
	files  cad.Package
	status porchv1alpha1.RenderStatus
	err    error
}

// commit says whether the outcome may be committed: a render that failed
// is committed only when the revision asks for it.
func (o rendering) commit(s *scope) bool {
	return o.err == nil || s.pr.Annotations[porchv1alpha1.PushOnRenderFailureAnnotation] == "true"
}

// render runs the package's Kptfile pipeline, each function and the whole
// within their timeouts. A failed render gives the files as they were
// given, with the failure and the results so far.
func (r *Reconciler) render(ctx context.Context, s *scope, files cad.Package) rendering {
	out, result, err := render.Render(ctx, files, r.Functions, render.Options{
		Name: path.Base(s.pr.Spec.PackageName), FunctionTimeout: r.Options.FunctionTimeout, PipelineTimeout: r.Options.PipelineTimeout,
	})
	if err != nil {
		out = files
	}
	return rendering{files: out, status: render.ToRenderStatus(result, err), err: err}
}
