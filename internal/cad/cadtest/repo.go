package cadtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Repo is a bare git repository whose folder pkg holds package versions,
// and the work tree they are committed in.
type Repo struct {
	tb   testing.TB
	Root string
	Work string
}

// NewRepo creates an empty repository for package versions.
func NewRepo(tb testing.TB) *Repo {
	tb.Helper()
	root := tb.TempDir()
	r := &Repo{tb: tb, Root: root, Work: filepath.Join(root, "work")}
	if err := os.MkdirAll(r.Work, 0o755); err != nil {
		tb.Fatal(err)
	}
	Run(tb, r.Work, "git", "init", "-q", "-b", "main")
	return r
}

// Publish makes p the content of folder pkg, commits it, tags it and
// updates the bare repository; it returns the commit.
func (r *Repo) Publish(p map[string]string, tag string) string {
	r.tb.Helper()
	if err := os.RemoveAll(filepath.Join(r.Work, "pkg")); err != nil {
		r.tb.Fatal(err)
	}
	WritePackage(r.tb, filepath.Join(r.Work, "pkg"), p)
	Run(r.tb, r.Work, "git", "add", "-A")
	Run(r.tb, r.Work, "git", "commit", "-qm", tag, "--allow-empty")
	Run(r.tb, r.Work, "git", "tag", tag)
	if _, err := os.Stat(r.Bare()); err == nil {
		Run(r.tb, r.Work, "git", "push", "-q", r.Bare(), "main", "--tags")
	} else {
		Run(r.tb, r.Root, "git", "clone", "-q", "--bare", r.Work, r.Bare())
	}
	return Run(r.tb, r.Work, "git", "rev-parse", "HEAD")
}

// Bare is the path of the bare repository.
func (r *Repo) Bare() string { return filepath.Join(r.Root, "repo.git") }

// URL is the repository as kpt records it: without the .git suffix.
func (r *Repo) URL() string { return "file://" + filepath.Join(r.Root, "repo") }

// PkgURL is the address kpt pkg get and update take for folder pkg at ref.
func (r *Repo) PkgURL(ref string) string { return "file://" + r.Bare() + "/pkg@" + ref }
