package main

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/porch-dev/porch/internal/cad"
)

// readPackage reads every regular file under dir, except version-control
// folders, into a package.
func readPackage(dir string) (cad.Package, error) {
	pkg := cad.Package{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		pkg[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	return pkg, err
}

// writePackage brings dir from before to after: it writes the files that
// changed or appeared and removes those that are gone, keeping each file's
// mode.
func writePackage(dir string, before, after cad.Package) error {
	for name, content := range after {
		if old, ok := before[name]; ok && old == content {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		mode := fs.FileMode(0o644)
		if info, err := os.Stat(p); err == nil {
			mode = info.Mode().Perm()
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			return err
		}
	}
	for name := range before {
		if _, ok := after[name]; !ok {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}
