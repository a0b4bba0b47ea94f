package reconcile

import (
	"path/filepath"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// MirrorDir is the local bare mirror of a repository under the cache
// folder: one per Repository object, which the sync fetches into and the
// authoring controller writes through.
func MirrorDir(cacheDir string, repo *configv1alpha1.Repository) string {
	return filepath.Join(cacheDir, "git", string(repo.UID))
}
