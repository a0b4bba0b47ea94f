package cad

import (
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

func writePackage(t *testing.T, dir string, p Package) {
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

func readPackage(t *testing.T, dir string) Package {
	t.Helper()
	p := Package{}
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

// publish commits p as folder pkg of a new bare repository, tagged v1, and
// returns the repository's path (ending in .git) and the commit.
func publish(t *testing.T, p Package) (repo, commit string) {
	t.Helper()
	root := t.TempDir()
	work := filepath.Join(root, "work")
	writePackage(t, filepath.Join(work, "pkg"), p)
	run(t, work, "git", "init", "-q", "-b", "main")
	run(t, work, "git", "add", "-A")
	run(t, work, "git", "commit", "-qm", "v1")
	run(t, work, "git", "tag", "v1")
	repo = filepath.Join(root, "repo.git")
	run(t, root, "git", "clone", "-q", "--bare", work, repo)
	return repo, run(t, work, "git", "rev-parse", "HEAD")
}

// assertSamePackage compares two packages file by file, ignoring trailing
// whitespace on lines and at the end of files.
func assertSamePackage(t *testing.T, want, got Package) {
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
