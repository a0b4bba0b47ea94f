package engine

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
)

// needTools skips the benchmark when a command it compares with is missing.
func needTools(b *testing.B, tools ...string) {
	b.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s not found: benchmark skipped", tool)
		}
	}
}

// run runs a command in dir with a fixed git identity and fails on error.
func run(tb testing.TB, dir string, name string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// timed runs a command like run and returns how long it took.
func timed(tb testing.TB, dir string, name string, args ...string) time.Duration {
	tb.Helper()
	start := time.Now()
	run(tb, dir, name, args...)
	return time.Since(start)
}

func writePackage(tb testing.TB, dir string, p cad.Package) {
	tb.Helper()
	for name, content := range p {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func readPackage(tb testing.TB, dir string) cad.Package {
	tb.Helper()
	p := cad.Package{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
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
		tb.Fatal(err)
	}
	return p
}

// repo is a bare git repository with a package folder pkg, and the work
// tree it is pushed from.
type repo struct {
	tb         testing.TB
	root, work string
}

func newRepo(tb testing.TB) *repo {
	tb.Helper()
	root := tb.TempDir()
	r := &repo{tb: tb, root: root, work: filepath.Join(root, "work")}
	if err := os.MkdirAll(r.work, 0o755); err != nil {
		tb.Fatal(err)
	}
	run(tb, r.work, "git", "init", "-q", "-b", "main")
	return r
}

// publish makes p the content of folder pkg, commits, tags it and updates the
// bare repository; it returns the commit.
func (r *repo) publish(p cad.Package, tag string) string {
	r.tb.Helper()
	if err := os.RemoveAll(filepath.Join(r.work, "pkg")); err != nil {
		r.tb.Fatal(err)
	}
	writePackage(r.tb, filepath.Join(r.work, "pkg"), p)
	run(r.tb, r.work, "git", "add", "-A")
	run(r.tb, r.work, "git", "commit", "-qm", tag, "--allow-empty")
	run(r.tb, r.work, "git", "tag", tag)
	bare := filepath.Join(r.root, "repo.git")
	if _, err := os.Stat(bare); err == nil {
		run(r.tb, r.work, "git", "push", "-q", bare, "main", "--tags")
	} else {
		run(r.tb, r.root, "git", "clone", "-q", "--bare", r.work, bare)
	}
	return run(r.tb, r.work, "git", "rev-parse", "HEAD")
}

// url is the repository as kpt records it: without the .git suffix.
func (r *repo) url() string { return "file://" + filepath.Join(r.root, "repo") }

func (r *repo) pkgURL(ref string) string {
	return "file://" + filepath.Join(r.root, "repo.git") + "/pkg@" + ref
}

// diffFiles names the files that differ between two packages, ignoring
// trailing whitespace on lines and at the ends of files.
func diffFiles(want, got cad.Package) []string {
	var diff []string
	for _, name := range want.Paths() {
		g, ok := got[name]
		switch {
		case !ok:
			diff = append(diff, name+" (missing)")
		case normalise(want[name]) != normalise(g):
			diff = append(diff, name)
		}
	}
	for _, name := range got.Paths() {
		if _, ok := want[name]; !ok {
			diff = append(diff, name+" (unexpected)")
		}
	}
	return diff
}

func normalise(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// firstDiff shows the first differing file of two packages, for failures.
func firstDiff(want, got cad.Package, names []string) string {
	if len(names) == 0 {
		return ""
	}
	name := strings.TrimSuffix(strings.TrimSuffix(names[0], " (missing)"), " (unexpected)")
	return fmt.Sprintf("%s\nwant:\n%s\ngot:\n%s", name, want[name], got[name])
}

// percentile returns the nearest-rank p-th percentile of ds, in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Millisecond)
}

// report reports the p50 and p95 of ds, in milliseconds, under name.
func report(b *testing.B, name string, ds []time.Duration) float64 {
	p50 := percentile(ds, 50)
	b.ReportMetric(p50, "ms-p50-"+name)
	b.ReportMetric(percentile(ds, 95), "ms-p95-"+name)
	return p50
}

// copyDir copies the folder src, with its .git, to dst.
func copyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		tb.Fatalf("cp %s %s: %v\n%s", src, dst, err, out)
	}
}
