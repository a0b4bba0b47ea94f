package render

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
)

// renderer holds one render's state: the package as it is being rendered,
// in an in-memory file system, and the results so far.
type renderer struct {
	runner        cad.FunctionRunner
	opts          Options
	fsys          filesys.FileSystem
	result        *Result
	saveOnFailure bool
	// breadthFirst renders from the root down (see renderBreadthFirst).
	breadthFirst bool
	rendered     int
	// dirs are the folders of every package of the tree, in render order.
	dirs []string
	// packages are the packages of the tree by folder.
	packages map[string]*pkgNode
	order    outputOrder
	// steps are what each function did, for the root Kptfile's status.
	steps *stepLog
}

// renderPackage runs the pipeline of the package in dir over its resources
// and its (already rendered) subpackages' resources, Kptfiles included as
// kpt does, and writes the outcome back. When a function fails, nothing is
// written unless the root Kptfile asks to save partial results. The
// Kptfile has been checked by renderTree.
func (r *renderer) renderPackage(ctx context.Context, dir string) error {
	kf, err := r.kptfile(dir)
	if err != nil {
		return err
	}
	rw := &kio.LocalPackageReadWriter{
		PackagePath:        fsPath(dir),
		FileSystem:         filesys.FileSystemOrOnDisk{FileSystem: r.fsys},
		MatchFilesGlob:     append(append([]string{}, kio.MatchAll...), cad.KptfileName),
		IncludeSubpackages: true,
		PackageFileName:    cad.KptfileName,
		PreserveSeqIndent:  true,
		WrapBareSeqNode:    true,
	}
	nodes, err := rw.Read()
	if err != nil {
		return fmt.Errorf("package %q: reading resources: %w", displayDir(dir), unprefix(err))
	}
	if r.breadthFirst {
		ownFirst(nodes, r.packages[dir])
	} else {
		r.order.sortForPackage(nodes, r.packages[dir])
	}
	if err := toPackagePaths(nodes, r.base(), dir, r.dirs); err != nil {
		return fmt.Errorf("package %q: %w", displayDir(dir), err)
	}
	r.rendered++
	r.progressf("Package %q: \n", r.displayName(dir))
	var pipeline kptfilev1.Pipeline
	if kf.Pipeline != nil {
		pipeline = *kf.Pipeline
	}
	if pipeline.IsEmpty() {
		// kpt checks the resources even when no function will see them.
		if err := kptfilev1.AreKRM(nodes); err != nil {
			return fmt.Errorf("package %q: input resource list must contain only KRM resources: %w", displayDir(dir), err)
		}
	}
	for _, fn := range pipeline.Mutators {
		out, err := r.run(ctx, dir, fn, nodes, true)
		if err != nil {
			return r.fail(rw, dir, nodes, err)
		}
		nodes = out
	}
	for _, fn := range pipeline.Validators {
		// A validator's output is dropped: validators may not mutate.
		if _, err := r.run(ctx, dir, fn, nodes, false); err != nil {
			return r.fail(rw, dir, nodes, err)
		}
	}
	r.progressf("\n")
	if err := fromPackagePaths(nodes, r.base(), dir); err != nil {
		return fmt.Errorf("package %q: %w", displayDir(dir), err)
	}
	// Give new resources their file now, so that their order is recorded.
	if err := kioutil.DefaultPathAndIndexAnnotation("", nodes); err != nil {
		return fmt.Errorf("package %q: %w", displayDir(dir), err)
	}
	r.order.record(nodes, dir)
	if err := rw.Write(nodes); err != nil {
		return fmt.Errorf("package %q: writing resources: %w", displayDir(dir), err)
	}
	return nil
}

// run calls one function on the resources it selects and returns all the
// package's resources afterwards.
func (r *renderer) run(ctx context.Context, dir string, fn kptfilev1.Function, nodes []*yaml.RNode, mutator bool) (_ []*yaml.RNode, err error) {
	var record *fnresultv1.Result
	defer func() { r.steps.add(fn, mutator, record, stepError(err, dir), r.opts.Path) }()
	if ctx.Err() != nil {
		// The pipeline's deadline ran out, or the caller stopped it.
		return nil, fmt.Errorf("package %q: function %q did not run: %w", displayDir(dir), fnName(fn), context.Cause(ctx))
	}
	config, err := functionConfig(r.readFile, dir, fn)
	if err != nil {
		return nil, fmt.Errorf("package %q: %w", displayDir(dir), err)
	}
	if mutator && fn.ConfigPath != "" {
		// The config file is one of the package's resources, which earlier
		// mutators may have changed: kpt gives mutators its current state.
		if current := findResource(nodes, r.base(), dir, fn.ConfigPath); current != nil {
			config = current.Copy()
		}
	}
	in := nodes
	if hasSelection(fn) {
		if err := tagResources(nodes); err != nil {
			return nil, err
		}
		// The input keeps no mark: it is what a validator, a failed
		// function or a partial save leaves.
		defer func() {
			if uerr := untagResources(nodes); uerr != nil && err == nil {
				err = uerr
			}
		}()
		in = nil
		for _, n := range nodes {
			if selected(fn, n) {
				in = append(in, n)
			}
		}
	}
	r.progressRunning(fn, len(in))
	start := time.Now()
	if err := kptfilev1.AreKRM(in); err != nil {
		// kpt refuses such input before calling the function, and records
		// no result for it.
		r.progressf("[FAIL] %q in %s\n", fnName(fn), time.Since(start).Round(time.Millisecond))
		return nil, fmt.Errorf("package %q: input resource list must contain only KRM resources: %w", displayDir(dir), err)
	}
	// As kyaml's pipelines, let a function move a resource by changing
	// either its path annotation or the legacy one.
	annotations, err := kio.PreprocessResourcesForInternalAnnotationMigration(in)
	defer clearMigrationIDs(in)
	if err != nil {
		return nil, fmt.Errorf("package %q: %w", displayDir(dir), err)
	}
	out, ran, err := call(ctx, r.runner, fn, in, config, r.opts)
	record = &ran
	r.result.Items = append(r.result.Items, ran)
	r.progressDone(fn, ran, err, time.Since(start))
	if err != nil {
		r.result.ExitCode = 1
		return nil, fmt.Errorf("package %q: %w", displayDir(dir), err)
	}
	if err := kio.ReconcileInternalAnnotations(out, annotations); err != nil {
		return nil, fmt.Errorf("package %q: function %q: %w", displayDir(dir), fnName(fn), err)
	}
	if err := kptfilev1.AreKRM(out); err != nil {
		return nil, fmt.Errorf("package %q: function %q: output resource list must contain only KRM resources: %w", displayDir(dir), fnName(fn), err)
	}
	if hasSelection(fn) {
		return mergeWithInput(out, in, nodes)
	}
	return out, nil
}

// fail saves, when asked, what the package's successful functions produced
// before the failure. As kpt, a failed render writes resources but prunes no
// file.
func (r *renderer) fail(rw *kio.LocalPackageReadWriter, dir string, nodes []*yaml.RNode, err error) error {
	if r.saveOnFailure {
		if perr := fromPackagePaths(nodes, r.base(), dir); perr != nil {
			return fmt.Errorf("%w (saving partial results: %v)", err, perr)
		}
		// The plain writer writes without pruning the files read.
		w := kio.LocalPackageWriter{PackagePath: rw.PackagePath, FileSystem: rw.FileSystem}
		if werr := w.Write(nodes); werr != nil {
			return fmt.Errorf("%w (saving partial results: %v)", err, werr)
		}
	}
	return err
}

func (r *renderer) readFile(name string) (string, bool) {
	data, err := r.fsys.ReadFile(path.Join(root, name))
	if err != nil {
		return "", false
	}
	return string(data), true
}

// unprefix drops the in-memory mount point from kyaml's errors, which name
// files by their full path, so that messages name the package's files.
func unprefix(err error) error {
	msg := strings.ReplaceAll(err.Error(), root+"/", "")
	return fmt.Errorf("%s", msg)
}

// base is where the package tree lives, as functions see it.
func (r *renderer) base() string {
	if r.opts.Path == "" {
		return "/"
	}
	return path.Clean(r.opts.Path)
}

func displayDir(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// clearMigrationIDs removes the marks kyaml's annotation migration leaves
// on a function's input, which stays in the package when the function was
// a validator or failed.
func clearMigrationIDs(nodes []*yaml.RNode) {
	for _, n := range nodes {
		_, _ = n.Pipe(yaml.ClearAnnotation(kioutil.InternalAnnotationsMigrationResourceIDAnnotation))
	}
}
