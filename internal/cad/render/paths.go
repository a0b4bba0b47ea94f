package render

import (
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// packagePathAnnotation names the package a resource belongs to. As in kpt,
// a function sees each resource's path relative to its own package, with
// this annotation naming the package; the render puts paths back relative
// to the package being written.
const packagePathAnnotation = "internal.config.kubernetes.io/package-path"

// packagePath is the value of packagePathAnnotation for the package in
// dir: its folder under base, where the tree lives ("/" when it lives in
// memory only).
func packagePath(base, dir string) string {
	return path.Join(base, dir)
}

// packageDir undoes packagePath.
func packageDir(base, value string) string {
	return strings.TrimPrefix(strings.TrimPrefix(value, base), "/")
}

// toPackagePaths makes the paths of nodes, read from the package in dir,
// relative to the package each resource belongs to, among dirs.
func toPackagePaths(nodes []*yaml.RNode, base, dir string, dirs []string) error {
	for _, n := range nodes {
		p, _, err := kioutil.GetFileAnnotations(n)
		if err != nil || p == "" {
			continue
		}
		full := path.Join(dir, p)
		owner := ownerPackage(dirs, full)
		if err := setPath(n, strings.TrimPrefix(full, prefixOf(owner))); err != nil {
			return err
		}
		if err := n.PipeE(yaml.SetAnnotation(packagePathAnnotation, packagePath(base, owner))); err != nil {
			return err
		}
	}
	return nil
}

// fromPackagePaths undoes toPackagePaths for writing the package in dir.
// Resources without a package keep their path, relative to dir.
func fromPackagePaths(nodes []*yaml.RNode, base, dir string) error {
	for _, n := range nodes {
		owner, ok := n.GetAnnotations()[packagePathAnnotation]
		if !ok {
			continue
		}
		if p, _, _ := kioutil.GetFileAnnotations(n); p != "" {
			full := path.Join(packageDir(base, owner), p)
			if err := setPath(n, strings.TrimPrefix(full, prefixOf(dir))); err != nil {
				return err
			}
		}
		if _, err := n.Pipe(yaml.ClearAnnotation(packagePathAnnotation)); err != nil {
			return err
		}
	}
	return nil
}

// ownerPackage is the deepest package folder of dirs holding file.
func ownerPackage(dirs []string, file string) string {
	best := ""
	for _, d := range dirs {
		if d != "" && strings.HasPrefix(file, d+"/") && len(d) > len(best) {
			best = d
		}
	}
	return best
}

func prefixOf(dir string) string {
	if dir == "" {
		return ""
	}
	return dir + "/"
}

// setPath sets both the path annotation and its legacy twin, as kpt does.
func setPath(n *yaml.RNode, p string) error {
	if err := n.PipeE(yaml.SetAnnotation(kioutil.PathAnnotation, p)); err != nil {
		return err
	}
	return n.PipeE(yaml.SetAnnotation(kioutil.LegacyPathAnnotation, p))
}

// findResource is the resource of nodes read from file, relative to the
// package in dir, or nil.
func findResource(nodes []*yaml.RNode, base, dir, file string) *yaml.RNode {
	for _, n := range nodes {
		p, _, _ := kioutil.GetFileAnnotations(n)
		if n.GetAnnotations()[packagePathAnnotation] == packagePath(base, dir) && p == path.Clean(file) {
			return n
		}
	}
	return nil
}
