package rpkg

import (
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// checkAbsent refuses a folder that exists: a pull writes a new folder and
// never mixes the revision's files with others.
func checkAbsent(dir string) error {
	_, err := os.Stat(dir)
	switch {
	case err == nil:
		return fmt.Errorf("directory %q already exists, please delete the directory and retry", dir)
	case os.IsNotExist(err):
		return nil
	default:
		return err
	}
}

// writeFolder writes files under dir, which must not exist.
func writeFolder(dir string, files cad.Package) error {
	if err := checkAbsent(dir); err != nil {
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
