package cad

import (
	"fmt"
	"path"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// InitOptions describes a new package, as the flags of kpt pkg init do.
type InitOptions struct {
	// Name is the package's name; empty means the last element of Subpackage.
	Name        string
	Description string
	Keywords    []string
	Site        string
	// Subpackage is the folder of the new package inside Existing, '/'-separated;
	// empty creates a package at the root.
	Subpackage string
	// Existing holds the files the new package is added to, if any. It is not
	// changed.
	Existing Package
}

// defaultDescription is what kpt writes when no description is given.
const defaultDescription = "sample description"

// localConfigAnnotation marks a resource that is not applied to a cluster.
const localConfigAnnotation = "config.kubernetes.io/local-config"

// Init returns Existing with a new package added: a Kptfile, a README.md and a
// package-context.yaml, as kpt pkg init writes them. A README.md or
// package-context.yaml already there is kept, as kpt keeps it; a Kptfile
// already there is an error, since the folder is a package already.
func Init(opts InitOptions) (Package, error) {
	dir, err := cleanDir(opts.Subpackage)
	if err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" && dir != "" {
		name = path.Base(dir)
	}
	if name == "" {
		return nil, fmt.Errorf("init: a package name is required")
	}
	out := opts.Existing.Copy()
	if _, ok := out[join(dir, KptfileName)]; ok {
		return nil, fmt.Errorf("init: %s already exists", join(dir, KptfileName))
	}

	kf := kptfile.New(name)
	kf.Annotations = map[string]string{localConfigAnnotation: "true"}
	kf.Info = &kptfilev1.PackageInfo{Site: opts.Site, Description: opts.Description, Keywords: opts.Keywords}
	if kf.Info.Description == "" {
		kf.Info.Description = defaultDescription
	}
	content, err := kptfile.MarshalCompact(kf)
	if err != nil {
		return nil, err
	}
	out[join(dir, KptfileName)] = content
	addIfMissing(out, join(dir, readmeName), readme(name, kf.Info.Description))
	addIfMissing(out, join(dir, PackageContextName), packageContextTemplate)
	return out, nil
}

func addIfMissing(p Package, name, content string) {
	if _, ok := p[name]; !ok {
		p[name] = content
	}
}

// cleanDir checks a package-relative folder: no absolute paths and no "..",
// so that a caller cannot write outside the package.
func cleanDir(dir string) (string, error) {
	if dir == "" || dir == "." {
		return "", nil
	}
	clean := path.Clean(dir)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("subpackage path %q must be relative and inside the package", dir)
	}
	return clean, nil
}

// join joins a package-relative folder and a file name.
func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
