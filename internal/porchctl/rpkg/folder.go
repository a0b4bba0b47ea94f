package rpkg

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// checkWritable refuses a folder that exists, as upstream does, unless
// force is set or the folder holds a pull of another revision of the same
// package (its .KptRevisionMetadata names one): pulling v2 over a working
// copy of v1 updates it. Files of the folder that the revision lacks stay.
func checkWritable(dir string, prr *porchv1alpha1.PackageRevisionResources, force bool) error {
	_, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return err
	case force || pulledSamePackage(dir, prr):
		return nil
	default:
		return fmt.Errorf("directory %q already exists, please delete the directory and retry; you may overwrite the directory with --force", dir)
	}
}

// pulledSamePackage says whether dir holds a pull of a revision of prr's
// package, in the same repository: its .KptRevisionMetadata names
// <repository>.<package>.<workspace>, as prr's name does.
func pulledSamePackage(dir string, prr *porchv1alpha1.PackageRevisionResources) bool {
	content, err := os.ReadFile(filepath.Join(dir, kptfilev1.RevisionMetaDataFileName))
	if err != nil {
		return false
	}
	node, err := yaml.Parse(string(content))
	if err != nil || node.GetKind() != kptfilev1.RevisionMetaDataKind {
		return false
	}
	pkg, ok := strings.CutSuffix(prr.Name, "."+prr.Spec.WorkspaceName)
	if !ok {
		return false
	}
	workspace, ok := strings.CutPrefix(node.GetName(), pkg+".")
	return ok && workspace != "" && !strings.Contains(workspace, ".")
}

// writeFolder writes files under dir (see checkWritable).
func writeFolder(dir string, files cad.Package, prr *porchv1alpha1.PackageRevisionResources, force bool) error {
	if err := checkWritable(dir, prr, force); err != nil {
		return err
	}
	return files.WriteTo(filesys.MakeFsOnDisk(), filepath.Clean(dir))
}

// recordMetadata rewrites the .KptRevisionMetadata of folder dir with the
// metadata of prr as it is now.
func recordMetadata(dir string, prr *porchv1alpha1.PackageRevisionResources) error {
	files, err := withMetadata(cad.Package{}, prr)
	if err != nil {
		return err
	}
	name := kptfilev1.RevisionMetaDataFileName
	return os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644)
}

// readFolder reads every file under dir. The API holds text only: a binary
// file would be corrupted on the way, so it is refused instead.
func readFolder(dir string) (cad.Package, error) {
	files, err := cad.FromFileSystem(filesys.MakeFsOnDisk(), filepath.Clean(dir))
	if err != nil {
		return nil, err
	}
	for _, name := range files.Paths() {
		if !utf8.ValidString(files[name]) {
			return nil, fmt.Errorf("file %s is not a valid UTF-8 text file: current porch API doesn't support binary files", filepath.Join(dir, name))
		}
	}
	return files, nil
}
