package render

import (
	"context"
	"errors"
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// Render runs the Kptfile pipelines of pkg and its subpackages, as
// `kpt fn render` does, calling every function through runner, and returns
// the rendered package and every function's results.
//
// The result's exit code is 1 when a function failed, as in kpt; a render
// can also fail before any function runs (invalid Kptfile, resources or
// function config), with no result for it.
//
// Every function runs within opts.FunctionTimeout, and the whole render
// within opts.PipelineTimeout: a function still running at either deadline
// fails the render with a TimeoutError naming the function.
//
// When a function fails, Render returns the error and the results so far,
// and pkg unchanged, unless the root Kptfile carries the annotation
// kpt.dev/save-on-render-failure: "true": then it returns the package as
// the functions that succeeded left it.
func Render(ctx context.Context, pkg cad.Package, runner cad.FunctionRunner, opts Options) (cad.Package, *Result, error) {
	ctx, cancel := withTimeout(ctx, opts.PipelineTimeout, "pipeline")
	defer cancel()
	result := newResult()
	tree := packageTree(pkg)
	if tree == nil {
		return pkg, result, errors.New("the package has no Kptfile at its root")
	}
	save, err := saveOnFailure(pkg[cad.KptfileName])
	if err != nil {
		return pkg, result, err
	}
	fsys, _, err := pkg.FileSystem()
	if err != nil {
		return pkg, result, err
	}
	r := &renderer{
		runner: runner, opts: opts, fsys: fsys, result: result, saveOnFailure: save,
		dirs: tree.dirs(), packages: tree.index(), order: outputOrder{},
	}
	if err := r.renderTree(ctx, tree); err != nil {
		if save {
			if partial, ferr := cad.FromFileSystem(fsys, root); ferr == nil {
				return partial, result, err
			}
		}
		return pkg, result, err
	}
	out, err := cad.FromFileSystem(fsys, root)
	if err != nil {
		return pkg, result, err
	}
	r.progressSummary()
	return out, result, nil
}

// renderTree renders the subpackages of n, in name order, then n, as kpt
// does; like kpt, it checks each package's Kptfile before rendering any of
// its subpackages.
func (r *renderer) renderTree(ctx context.Context, n *pkgNode) error {
	kf, err := r.kptfile(n.dir)
	if err != nil {
		return err
	}
	if err := r.validate(n.dir, kf); err != nil {
		return err
	}
	for _, child := range n.children {
		if err := r.renderTree(ctx, child); err != nil {
			return err
		}
	}
	return r.renderPackage(ctx, n.dir)
}

// saveOnFailure reports whether the root Kptfile asks for partial results to
// be kept when a function fails.
func saveOnFailure(kptfile string) (bool, error) {
	node, err := yaml.Parse(kptfile)
	if err != nil {
		return false, fmt.Errorf("%s: invalid Kptfile: %w", cad.KptfileName, err)
	}
	return node.GetAnnotations()[kptfilev1.SaveOnRenderFailureAnnotation] == "true", nil
}
