package cad

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// FileSystemRoot is where FileSystem places a package in its in-memory file system.
const FileSystemRoot = "/pkg"

// FileSystem copies p into a new in-memory file system, under the returned
// folder, so that kyaml's package readers and writers, which kpt uses, can
// work on it unchanged.
func (p Package) FileSystem() (filesys.FileSystem, string, error) {
	fsys := filesys.MakeFsInMemory()
	if err := p.WriteTo(fsys, FileSystemRoot); err != nil {
		return nil, "", err
	}
	return fsys, FileSystemRoot, nil
}

// WriteTo writes p's files under root in fsys. A path that would leave root
// is an error.
func (p Package) WriteTo(fsys filesys.FileSystem, root string) error {
	if err := fsys.MkdirAll(root); err != nil {
		return err
	}
	for _, name := range p.Paths() {
		clean, err := cleanDir(name)
		if err != nil || clean == "" {
			return fmt.Errorf("file path %q must be relative and inside the package", name)
		}
		full := root + "/" + clean
		if err := fsys.MkdirAll(filepath.Dir(full)); err != nil {
			return err
		}
		if err := fsys.WriteFile(full, []byte(p[name])); err != nil {
			return err
		}
	}
	return nil
}

// FromFileSystem reads every file under root back into a Package.
func FromFileSystem(fsys filesys.FileSystem, root string) (Package, error) {
	out := Package{}
	err := fsys.Walk(root, func(path string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := fsys.ReadFile(path)
		if err != nil {
			return err
		}
		out[strings.TrimPrefix(path, root+"/")] = string(b)
		return nil
	})
	return out, err
}

// FileSystemOrOnDisk wraps fsys for kyaml's readers, which fall back to the disk
// when given no file system; ours always have one.
func FileSystemOrOnDisk(fsys filesys.FileSystem) filesys.FileSystemOrOnDisk {
	return filesys.FileSystemOrOnDisk{FileSystem: fsys}
}
