package cadtest

import (
	"os"
	"path/filepath"
	"testing"
)

// WritePackage writes a package's files under dir.
func WritePackage(tb testing.TB, dir string, p map[string]string) {
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

// ReadPackage reads every file under dir, with '/'-separated relative paths.
func ReadPackage(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	p := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		p[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
