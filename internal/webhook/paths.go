package webhook

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var resourcesPath = field.NewPath("spec", "resources")

// pathProblem says why a file name of a package cannot be written to the
// repository, or "" when it can: it must be a clean path relative to the
// package, staying inside it and out of git's own files, and short enough
// for every file system and git host to check it out.
func pathProblem(p string) string {
	switch {
	case p == "":
		return "a file name must not be empty"
	case len(p) > porchv1alpha1.MaxFilePathBytes:
		return fmt.Sprintf("a file name must be at most %d bytes long, not %d", porchv1alpha1.MaxFilePathBytes, len(p))
	case strings.Contains(p, `\`):
		return `a file name must use / between folders, not \`
	case strings.HasPrefix(p, "/"):
		return "a file name must be relative to the package, not absolute"
	}
	for _, seg := range strings.Split(p, "/") {
		switch {
		case seg == "":
			return "a file name must not have an empty segment (// or a trailing /)"
		case seg == "..":
			return "a file name must not have a .. segment: files stay inside the package"
		case seg == ".":
			return "a file name must not have a . segment: write the path without it"
		case strings.EqualFold(seg, ".git"):
			return "a file name must not have a .git segment: git's own files are not package content"
		case strings.ContainsRune(seg, 0):
			return "a file name must not hold a NUL character"
		case len(seg) > porchv1alpha1.MaxFileNameSegmentBytes:
			return fmt.Sprintf("each folder and file name in a path must be at most %d bytes long; one here is %d",
				porchv1alpha1.MaxFileNameSegmentBytes, len(seg))
		}
	}
	return ""
}

// validatePaths refuses every file name of resources that pathProblem
// finds fault with, in name order.
func validatePaths(resources map[string]string) field.ErrorList {
	names := make([]string, 0, len(resources))
	for name := range resources {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs field.ErrorList
	for _, name := range names {
		if problem := pathProblem(name); problem != "" {
			errs = append(errs, field.Invalid(resourcesPath.Key(name), shortened(name), problem))
		}
	}
	return errs
}

// shortened is a file name as an error shows it as the refused value: the
// field's path names it in full already.
func shortened(name string) string {
	const most = 64
	if len(name) <= most {
		return name
	}
	return name[:most] + "..."
}
