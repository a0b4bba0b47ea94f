package packagerevision

import (
	"context"
	"path"

	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/render"
	"github.com/porch-dev/porch/internal/tracing"
)

// rendering is the outcome of rendering a package: what to commit, and
// what to report.
type rendering struct {
	files  cad.Package
	status porchv1alpha1.RenderStatus
	err    error
	// tooLarge is set when the package, given or rendered, is over the
	// content limit: nothing is committed, whatever the revision asks.
	tooLarge bool
}

// commit says whether the outcome may be committed: a render that failed
// is committed only when the revision asks for it, and a package over the
// content limit never.
func (o rendering) commit(s *scope) bool {
	if o.tooLarge {
		return false
	}
	return o.err == nil || s.pushOnRenderFailure
}

// render runs the package's Kptfile pipeline, each function and the whole
// within their timeouts. A failed render gives the files as they were
// given (or, when the Kptfile asks to save on failure, as the functions
// that passed left them), with the failure in the root Kptfile's status,
// and the results so far. A package over the content limit is not
// rendered; a render whose output is over it gives the files as they were
// given, with the results and why they were not kept: its Draft's
// resources could not hold it.
func (r *Reconciler) render(ctx context.Context, s *scope, files cad.Package) rendering {
	ctx, span := startRender(ctx, s, files)
	out := r.renderTraced(ctx, s, files)
	tracing.End(span, out.err)
	if out.err != nil {
		s.pushOnRenderFailure = r.pushesOnRenderFailure(ctx, s)
	}
	return out
}

// pushesOnRenderFailure says whether the revision asks for a failed
// render to be committed anyway (PushOnRenderFailureAnnotation), as it is
// stored: the cache may not show yet an annotation set a moment before the
// edit it is meant for.
func (r *Reconciler) pushesOnRenderFailure(ctx context.Context, s *scope) bool {
	if s.pr.Annotations[porchv1alpha1.PushOnRenderFailureAnnotation] == "true" {
		return true
	}
	stored := &porchv1alpha1.PackageRevision{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(s.pr), stored); err != nil {
		return false
	}
	return stored.UID == s.pr.UID && stored.Annotations[porchv1alpha1.PushOnRenderFailureAnnotation] == "true"
}

func (r *Reconciler) renderTraced(ctx context.Context, s *scope, files cad.Package) rendering {
	if err := r.checkSize("the package", files); err != nil {
		return rendering{status: porchv1alpha1.RenderStatus{Err: err.Error()}, err: err, tooLarge: true}
	}
	out, result, err := render.Render(ctx, files, r.Functions, render.Options{
		Name: path.Base(s.pr.Spec.PackageName), FunctionTimeout: r.Options.FunctionTimeout, PipelineTimeout: r.Options.PipelineTimeout,
		DefaultImagePrefix: r.Options.DefaultImagePrefix,
	})
	if err != nil {
		return rendering{files: out, status: render.ToRenderStatus(result, err), err: err}
	}
	if err := r.checkSize("the rendered package", out); err != nil {
		return rendering{files: files, status: render.ToRenderStatus(result, err), err: err, tooLarge: true}
	}
	return rendering{files: out, status: render.ToRenderStatus(result, nil)}
}

// checkSize refuses files over the content limit, as the stored object
// measures them.
func (r *Reconciler) checkSize(what string, files cad.Package) error {
	limit := r.Options.MaxPackageBytes
	if size := porchv1alpha1.ResourcesSize(files); limit > 0 && size > limit {
		return &contentTooLarge{what: what, size: size, limit: limit}
	}
	return nil
}
