package webhook

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

var resourcesPath = field.NewPath("spec", "resources")

// pathProblem says why a file name of a package cannot be written to the
// repository, or "" when it can: it must be a clean path relative to the
// package, staying inside it and out of git's own files.
func pathProblem(p string) string {
	switch {
	case p == "":
		return "a file name must not be empty"
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
			errs = append(errs, field.Invalid(resourcesPath.Key(name), name, problem))
		}
	}
	return errs
}
