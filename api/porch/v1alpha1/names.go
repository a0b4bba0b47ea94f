package v1alpha1

import "strings"

// RevisionName is the name every PackageRevision (and its
// PackageRevisionResources) must have:
// <repository>.<package path with / as .>.<workspace>.
func RevisionName(repository, pkg, workspace string) string {
	return PackageName(repository, pkg) + "." + workspace
}

// PackageName is the name of the PorchPackage of a package:
// <repository>.<package path with / as .>.
func PackageName(repository, pkg string) string {
	return repository + "." + strings.ReplaceAll(strings.Trim(pkg, "/"), "/", ".")
}
