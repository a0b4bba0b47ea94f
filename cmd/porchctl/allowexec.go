package main

import (
	"fmt"
	"path"
	"sort"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// errAllowExec is kpt's message for an exec function run without
// --allow-exec.
const errAllowExec = "must run with `--allow-exec` option to allow running function binaries"

// refuseExec fails, as kpt does, when a pipeline of the package tree names
// an exec function: a package's Kptfile would otherwise run any binary of
// this machine. It checks before anything runs and names the first such
// function, in the order of the package paths. A Kptfile that does not
// parse is left to the render, which reports it.
func refuseExec(pkg cad.Package) error {
	var kptfiles []string
	for p := range pkg {
		if path.Base(p) == cad.KptfileName {
			kptfiles = append(kptfiles, p)
		}
	}
	sort.Strings(kptfiles)
	for _, p := range kptfiles {
		kf, err := kptfile.Read(pkg[p])
		if err != nil || kf.Pipeline == nil {
			continue
		}
		for _, fn := range append(append(kf.Pipeline.Mutators[:0:0], kf.Pipeline.Mutators...), kf.Pipeline.Validators...) {
			if fn.Exec != "" {
				return fmt.Errorf("package %q: function %q: %s", path.Dir(p), fn.Exec, errAllowExec)
			}
		}
	}
	return nil
}
