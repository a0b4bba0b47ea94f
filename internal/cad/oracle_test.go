package cad

import (
	"path/filepath"
	"testing"

	"github.com/porch-dev/porch/internal/cad/cadtest"
)

// The golden tests compare with what the kpt CLI writes. They need kpt and
// git on the PATH and are skipped without them.

// publish commits p as folder pkg of a new bare repository, tagged v1, and
// returns the repository's path (ending in .git) and the commit.
func publish(t *testing.T, p Package) (repo, commit string) {
	t.Helper()
	root := t.TempDir()
	work := filepath.Join(root, "work")
	cadtest.WritePackage(t, filepath.Join(work, "pkg"), p)
	cadtest.Run(t, work, "git", "init", "-q", "-b", "main")
	cadtest.Run(t, work, "git", "add", "-A")
	cadtest.Run(t, work, "git", "commit", "-qm", "v1")
	cadtest.Run(t, work, "git", "tag", "v1")
	repo = filepath.Join(root, "repo.git")
	cadtest.Run(t, root, "git", "clone", "-q", "--bare", work, repo)
	return repo, cadtest.Run(t, work, "git", "rev-parse", "HEAD")
}
