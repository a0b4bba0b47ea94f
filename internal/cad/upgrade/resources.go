package upgrade

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/filters"

	"github.com/porch-dev/porch/internal/cad"
)

// Roots of the three versions in the in-memory file system of a merge.
const (
	originRoot  = "/origin"
	updatedRoot = "/updated"
	localRoot   = "/local"
)

// mergeSourceAnnotation tells kyaml's Merge3 filter which version a resource
// comes from.
const mergeSourceAnnotation = "config.kubernetes.io/merge-source"

// resourceMerge is the resource-merge strategy on packages that already carry
// merge comments.
func resourceMerge(origin, updated, local cad.Package) (cad.Package, error) {
	fsys := filesys.MakeFsInMemory()
	for root, p := range map[string]cad.Package{originRoot: origin, updatedRoot: updated, localRoot: local} {
		if err := p.WriteTo(fsys, root); err != nil {
			return nil, err
		}
	}
	if err := mergeResources(fsys); err != nil {
		return nil, err
	}
	out, err := cad.FromFileSystem(fsys, localRoot)
	if err != nil {
		return nil, err
	}
	if err := mergeKptfiles(origin, updated, out); err != nil {
		return nil, err
	}
	replaceNonKRMFiles(origin, updated, local, out)
	return out, nil
}

// mergeResources merges the YAML resources of the three versions into the
// local one, with kyaml's Merge3 and kpt's identity and deletion rules.
func mergeResources(fsys filesys.FileSystem) error {
	reader := func(root, source string) kio.LocalPackageReader {
		return kio.LocalPackageReader{
			PackagePath:        root,
			FileSystem:         cad.FileSystemOrOnDisk(fsys),
			SetAnnotations:     map[string]string{mergeSourceAnnotation: source},
			IncludeSubpackages: true,
			PackageFileName:    cad.KptfileName,
			PreserveSeqIndent:  true,
			WrapBareSeqNode:    true,
		}
	}
	dest := &kio.LocalPackageReadWriter{
		PackagePath:        localRoot,
		FileSystem:         cad.FileSystemOrOnDisk(fsys),
		SetAnnotations:     map[string]string{mergeSourceAnnotation: "dest"},
		IncludeSubpackages: true,
		PackageFileName:    cad.KptfileName,
		PreserveSeqIndent:  true,
		WrapBareSeqNode:    true,
	}
	err := kio.Pipeline{
		Inputs:  []kio.Reader{dest, reader(originRoot, "original"), reader(updatedRoot, "updated")},
		Filters: []kio.Filter{filters.Merge3{Matcher: newMatcher(), Handler: handler{}}},
		Outputs: []kio.Writer{dest},
	}.Execute()
	if err != nil {
		return fmt.Errorf("merging resources: %s", stripRoots(err.Error()))
	}
	return nil
}

// stripRoots removes the in-memory roots from a message so that it names
// files as the package does.
func stripRoots(msg string) string {
	for _, root := range []string{originRoot, updatedRoot, localRoot} {
		msg = strings.ReplaceAll(msg, root+"/", "")
	}
	return msg
}

// mergeKptfiles merges every Kptfile of the package and its subpackages.
func mergeKptfiles(origin, updated, out cad.Package) error {
	seen := map[string]bool{}
	for _, p := range []cad.Package{origin, updated, out} {
		for name := range p {
			if !isKptfile(name) || seen[name] {
				continue
			}
			seen[name] = true
			_, inOrigin := origin[name]
			if _, ok := out[name]; !ok {
				if !inOrigin {
					// A subpackage new upstream arrives as it is.
					out[name] = updated[name]
				}
				// Otherwise the local package deleted it: it stays deleted.
				continue
			}
			merged, err := mergeKptfile(origin[name], updated[name], out[name])
			if err != nil && name != cad.KptfileName {
				// Name the subpackage: the message names only "Kptfile".
				return fmt.Errorf("%s: %w", name, err)
			}
			if err != nil {
				return err
			}
			out[name] = merged
		}
	}
	return nil
}
