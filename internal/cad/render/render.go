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
//
// Either way the root Kptfile of the package returned records the outcome
// in its status, as current kpt does: the Rendered condition, and the steps
// that ran in status.renderStatus.
func Render(ctx context.Context, pkg cad.Package, runner cad.FunctionRunner, opts Options) (cad.Package, *Result, error) {
	steps := &stepLog{}
	out, result, err := renderTree(ctx, pkg, runner, opts, steps)
	return withRenderStatus(out, steps, err, opts.Path), result, err
}

// renderTree is Render but for the status it records.
func renderTree(ctx context.Context, pkg cad.Package, runner cad.FunctionRunner, opts Options, steps *stepLog) (cad.Package, *Result, error) {
	ctx, cancel := withTimeout(ctx, opts.PipelineTimeout, "pipeline")
	defer cancel()
	result := newResult()
	tree := packageTree(pkg)
	if tree == nil {
		return pkg, result, errors.New("the package has no Kptfile at its root")
	}
	asked, err := rootAnnotations(pkg[cad.KptfileName])
	if err != nil {
		return pkg, result, err
	}
	save := asked[kptfilev1.SaveOnRenderFailureAnnotation] == "true"
	fsys, _, err := pkg.FileSystem()
	if err != nil {
		return pkg, result, err
	}
	r := &renderer{steps: steps,
		runner: runner, opts: opts, fsys: fsys, result: result, saveOnFailure: save,
		dirs: tree.dirs(), packages: tree.index(), order: outputOrder{},
		breadthFirst: asked[kptfilev1.BFSRenderAnnotation] == "true",
	}
	renderAll := r.renderTree
	if r.breadthFirst {
		renderAll = r.renderBreadthFirst
	}
	if err := renderAll(ctx, tree); err != nil {
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

// renderBreadthFirst renders the packages from the root down, level by
// level, as kpt does when the root Kptfile has kpt.dev/bfs-rendering:
// "true": each package's pipeline sees its own resources, then all its
// descendants' (not rendered yet), so that a parent's function can set
// values in a subpackage's resources. Every Kptfile is checked first.
func (r *renderer) renderBreadthFirst(ctx context.Context, root *pkgNode) error {
	levels := []*pkgNode{root}
	for i := 0; i < len(levels); i++ {
		levels = append(levels, levels[i].children...)
	}
	for _, n := range levels {
		kf, err := r.kptfile(n.dir)
		if err != nil {
			return err
		}
		if err := r.validate(n.dir, kf); err != nil {
			return err
		}
	}
	for _, n := range levels {
		if err := r.renderPackage(ctx, n.dir); err != nil {
			return err
		}
	}
	return nil
}

// rootAnnotations are the annotations of the root Kptfile, where a package
// asks for how it is rendered (kpt.dev/save-on-render-failure,
// kpt.dev/bfs-rendering).
func rootAnnotations(kptfile string) (map[string]string, error) {
	node, err := yaml.Parse(kptfile)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid Kptfile: %w", cad.KptfileName, err)
	}
	return node.GetAnnotations(), nil
}
