package git

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

// checkFilePath says why a package-relative file path cannot be written,
// if it cannot: it must be relative and clean, with no empty, ".", ".."
// or ".git" segment, so that it stays inside the package folder wherever
// the files are written, and short enough (MaxFilePathBytes, and
// MaxFileNameSegmentBytes a segment) to be checked out anywhere.
func checkFilePath(p string) error {
	if len(p) > porchv1alpha1.MaxFilePathBytes {
		return fmt.Errorf("%w: file path %q is %d bytes long, over the limit of %d",
			backend.ErrInvalidPackage, p, len(p), porchv1alpha1.MaxFilePathBytes)
	}
	if p == "" || strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return fmt.Errorf("%w: file path %q must be relative and clean, with no empty, \".\" or \"..\" segment",
			backend.ErrInvalidPackage, p)
	}
	for _, seg := range strings.Split(p, "/") {
		if unsafeName(seg) {
			return fmt.Errorf("%w: file path %q has the segment %q, which could leave the package folder or be taken for git metadata",
				backend.ErrInvalidPackage, p, seg)
		}
		if len(seg) > porchv1alpha1.MaxFileNameSegmentBytes {
			return fmt.Errorf("%w: file path %q has a segment of %d bytes, over the limit of %d",
				backend.ErrInvalidPackage, p, len(seg), porchv1alpha1.MaxFileNameSegmentBytes)
		}
	}
	return nil
}

// checkFiles checks every path of a package's files, in order, and that
// the package has its Kptfile, without which it would not be read back.
func checkFiles(files map[string]string) error {
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if err := checkFilePath(p); err != nil {
			return err
		}
	}
	if _, ok := files[kptfileName]; !ok {
		return fmt.Errorf("%w: the package has no %s at its root", backend.ErrInvalidPackage, kptfileName)
	}
	return nil
}

// checkWorkspace refuses a workspace name that discovery would not read
// back unchanged.
func checkWorkspace(ws string) error {
	if norm, err := normaliseWorkspace(ws); err != nil || norm != ws {
		return fmt.Errorf("%w: workspace name %q must be lower-case alphanumeric words joined by '-' or '.', at most %d characters",
			backend.ErrInvalidPackage, ws, maxWorkspaceName)
	}
	return nil
}

// checkDirectory refuses a repository directory that is not a clean
// relative path; "" (the repository root) is fine.
func checkDirectory(dir string) error {
	if dir == "" {
		return nil
	}
	if err := checkFilePath(dir); err != nil {
		return fmt.Errorf("directory %q: %w", dir, err)
	}
	return nil
}

// CheckFilePath says why a package-relative file path cannot be written
// to a repository, if it cannot: what admission holds users' file names
// to must never be less than this.
func CheckFilePath(p string) error { return checkFilePath(p) }
