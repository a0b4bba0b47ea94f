package render

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/porch-dev/porch/internal/cad"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// root is where a package is mounted in the in-memory file system, so that
// kyaml's package reader and writer, which kpt itself uses, give the same
// file semantics (globs, subpackages, deletions) without touching a disk.
const root = "/pkg"

// toFS copies a package into a new in-memory file system under root.
func toFS(pkg cad.Package) (filesys.FileSystem, error) {
	fsys := filesys.MakeFsInMemory()
	if err := fsys.MkdirAll(root); err != nil {
		return nil, err
	}
	for name, content := range pkg {
		p := path.Join(root, path.Clean("/"+name))
		if err := fsys.MkdirAll(path.Dir(p)); err != nil {
			return nil, err
		}
		if err := fsys.WriteFile(p, []byte(content)); err != nil {
			return nil, err
		}
	}
	return fsys, nil
}

// fromFS reads every file under root back into a package.
func fromFS(fsys filesys.FileSystem) (cad.Package, error) {
	out := cad.Package{}
	err := fsys.Walk(root, func(p string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := fsys.ReadFile(p)
		if err != nil {
			return err
		}
		out[strings.TrimPrefix(p, root+"/")] = string(data)
		return nil
	})
	return out, err
}

// packageDirs lists the folders of pkg holding a Kptfile, '/'-separated and
// relative to the root ("" for the root), in the order kpt renders them:
// depth-first, each subpackage (in name order) before its parent.
func packageDirs(pkg cad.Package) []string {
	var dirs []string
	for name := range pkg {
		if path.Base(name) == cad.KptfileName {
			dirs = append(dirs, dirOf(name))
		}
	}
	sort.Strings(dirs)
	var out []string
	var visit func(dir string)
	visit = func(dir string) {
		for _, child := range dirs {
			if child != dir && parentPackage(dirs, child) == dir {
				visit(child)
			}
		}
		out = append(out, dir)
	}
	for _, d := range dirs {
		if parentPackage(dirs, d) == "\x00" {
			visit(d)
		}
	}
	return out
}

// parentPackage is the nearest package folder strictly above dir, or NUL
// when dir is not inside another package.
func parentPackage(dirs []string, dir string) string {
	best := "\x00"
	for _, d := range dirs {
		if d != dir && within(dir, d) && (best == "\x00" || len(d) > len(best)) {
			best = d
		}
	}
	return best
}

// within reports whether dir is inside, or is, the folder parent.
func within(dir, parent string) bool {
	return parent == "" || dir == parent || strings.HasPrefix(dir, parent+"/")
}

func dirOf(name string) string {
	if d := path.Dir(name); d != "." {
		return d
	}
	return ""
}

// fsPath is dir's path in the in-memory file system.
func fsPath(dir string) string {
	return path.Join(root, dir)
}
