package upgrade

import (
	"path"
	"strings"

	"github.com/porch-dev/porch/internal/cad"
)

// isKRMFile tells whether a file is read as resources by the merge, as kyaml's
// package reader decides by its default globs; the Kptfile is merged apart.
func isKRMFile(name string) bool {
	base := path.Base(name)
	return base == cad.KptfileName || strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml")
}

// replaceNonKRMFiles takes other files from the new upstream unless they were
// changed or added locally, and removes those deleted upstream and not
// changed locally, as kpt does.
func replaceNonKRMFiles(origin, updated, local, out cad.Package) {
	changedLocally := map[string]bool{}
	for name, content := range local {
		if isKRMFile(name) {
			continue
		}
		if o, ok := origin[name]; !ok || o != content {
			changedLocally[name] = true
		}
	}
	for name, content := range updated {
		if !isKRMFile(name) && !changedLocally[name] {
			out[name] = content
		}
	}
	for name := range local {
		if _, ok := updated[name]; !ok && !isKRMFile(name) && !changedLocally[name] {
			delete(out, name)
		}
	}
}
