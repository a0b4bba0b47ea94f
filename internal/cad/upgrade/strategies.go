package upgrade

import (
	"fmt"
	"path"
	"strings"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// fastForward takes the new upstream if the local package is still the old
// upstream, apart from the Kptfile's bookkeeping.
func fastForward(origin, updated, local cad.Package) (cad.Package, error) {
	var changed []string
	for _, name := range union(origin, local) {
		same, err := sameFile(name, origin[name], local[name])
		if err != nil {
			return nil, err
		}
		if !same {
			changed = append(changed, name)
		}
	}
	if len(changed) > 0 {
		return nil, fmt.Errorf("fast-forward: local package files have been modified: %s", strings.Join(changed, ", "))
	}
	return forceDeleteReplace(origin, updated, local)
}

// forceDeleteReplace takes the new upstream; the Kptfile keeps the local
// name and takes the new upstream bookkeeping.
func forceDeleteReplace(origin, updated, local cad.Package) (cad.Package, error) {
	out := updated.Copy()
	for name, content := range local {
		// Only Kptfiles of packages upstream still has: the others are gone.
		if _, ok := updated[name]; ok && isKptfile(name) {
			out[name] = content
		}
	}
	if err := mergeKptfiles(origin, updated, out); err != nil {
		return nil, err
	}
	return out, nil
}

// copyMerge copies the new upstream's files over the local package.
func copyMerge(origin, updated, local cad.Package) (cad.Package, error) {
	out := local.Copy()
	for name, content := range updated {
		if _, ok := local[name]; !ok || !isKptfile(name) {
			out[name] = content
		}
	}
	if err := mergeKptfiles(origin, updated, out); err != nil {
		return nil, err
	}
	return out, nil
}

// sameFile compares two versions of a file; Kptfiles are compared without
// the name and upstream bookkeeping that cloning changes.
func sameFile(name, a, b string) (bool, error) {
	if !isKptfile(name) || a == "" || b == "" {
		return a == b, nil
	}
	var norm [2]string
	for i, content := range []string{a, b} {
		out, err := kptfile.Update(content, func(kf *kptfile.File) {
			kf.Name, kf.Upstream, kf.UpstreamLock = "", nil, nil
		})
		if err != nil {
			return false, fmt.Errorf("%s: %w", name, err)
		}
		norm[i] = out
	}
	return norm[0] == norm[1], nil
}

func union(ps ...cad.Package) []string {
	all := cad.Package{}
	for _, p := range ps {
		for name := range p {
			all[name] = ""
		}
	}
	return all.Paths()
}

// isKptfile tells whether name is the Kptfile of the package or of a
// subpackage.
func isKptfile(name string) bool {
	return path.Base(name) == cad.KptfileName
}
