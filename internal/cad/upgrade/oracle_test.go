package upgrade

import (
	"github.com/porch-dev/porch/internal/cad"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The golden tests compare with what the kpt CLI writes. They need kpt and
// git on the PATH and are skipped without them.

func needOracle(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"kpt", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: golden test skipped", tool)
		}
	}
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func writePackage(t *testing.T, dir string, p cad.Package) {
	t.Helper()
	for name, content := range p {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readPackage(t *testing.T, dir string) cad.Package {
	t.Helper()
	p := cad.Package{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		p[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// repo is a bare git repository with a package folder pkg, and the work
// tree it is pushed from.
type repo struct {
	t          *testing.T
	root, work string
}

// newRepo creates an empty repository for package versions.
func newRepo(t *testing.T) *repo {
	t.Helper()
	root := t.TempDir()
	r := &repo{t: t, root: root, work: filepath.Join(root, "work")}
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, r.work, "git", "init", "-q", "-b", "main")
	return r
}

// publish makes p the content of folder pkg, commits, tags it and updates the
// bare repository; it returns the commit.
func (r *repo) publish(p cad.Package, tag string) string {
	r.t.Helper()
	if err := os.RemoveAll(filepath.Join(r.work, "pkg")); err != nil {
		r.t.Fatal(err)
	}
	writePackage(r.t, filepath.Join(r.work, "pkg"), p)
	run(r.t, r.work, "git", "add", "-A")
	run(r.t, r.work, "git", "commit", "-qm", tag, "--allow-empty")
	run(r.t, r.work, "git", "tag", tag)
	bare := filepath.Join(r.root, "repo.git")
	if _, err := os.Stat(bare); err == nil {
		run(r.t, r.work, "git", "push", "-q", bare, "main", "--tags")
	} else {
		run(r.t, r.root, "git", "clone", "-q", "--bare", r.work, bare)
	}
	return run(r.t, r.work, "git", "rev-parse", "HEAD")
}

// url is the repository as kpt records it: without the .git suffix.
func (r *repo) url() string { return "file://" + filepath.Join(r.root, "repo") }

func (r *repo) pkgURL(ref string) string {
	return "file://" + filepath.Join(r.root, "repo.git") + "/pkg@" + ref
}

// assertSamePackage compares two packages file by file, ignoring trailing
// whitespace on lines and at the end of files.
func assertSamePackage(t *testing.T, want, got cad.Package) {
	t.Helper()
	for _, name := range want.Paths() {
		if _, ok := got[name]; !ok {
			t.Errorf("missing file %s", name)
			continue
		}
		if w, g := normalise(want[name]), normalise(got[name]); w != g {
			t.Errorf("file %s differs\nwant:\n%s\ngot:\n%s", name, w, g)
		}
	}
	for _, name := range got.Paths() {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected file %s", name)
		}
	}
}

func normalise(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}
