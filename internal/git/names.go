package git

import (
	"fmt"
	"regexp"
	"strings"
)

// Limits the API puts on names, so that every revision discovered can be
// stored as an object whose name joins repository, package and workspace.
const (
	maxWorkspaceName = 63
	maxPackagePath   = 200
)

var (
	workspaceNameRE  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	packageSegmentRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// normaliseWorkspace turns a ref segment into a workspace name: lower case,
// with every character outside [a-z0-9.-] replaced by '-'. Git allows names
// such as "Feature_X" that the API does not; mapping them keeps such
// revisions visible. The result is checked, since some names ("-x", "a..b")
// stay invalid whatever is replaced.
func normaliseWorkspace(raw string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToLower(raw) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	ws := b.String()
	switch {
	case len(ws) > maxWorkspaceName:
		return "", fmt.Errorf("workspace name %q is longer than %d characters", ws, maxWorkspaceName)
	case strings.HasSuffix(ws, ".lock"):
		return "", fmt.Errorf("workspace name %q ends in .lock", ws)
	case !workspaceNameRE.MatchString(ws):
		return "", fmt.Errorf("workspace name %q is not lower-case alphanumeric words joined by '-' or '.'", ws)
	}
	return ws, nil
}

// checkPackagePath says why a package path cannot be represented, if it
// cannot. Packages are never renamed: a renamed package could not be written
// back to the same folder.
func checkPackagePath(pkg string) error {
	if pkg == "" {
		return fmt.Errorf("a package must be a folder below the repository directory, not the directory itself")
	}
	if len(pkg) > maxPackagePath {
		return fmt.Errorf("package path is longer than %d characters", maxPackagePath)
	}
	for _, seg := range strings.Split(pkg, "/") {
		if !packageSegmentRE.MatchString(seg) {
			return fmt.Errorf("folder name %q is not lower-case alphanumeric words joined by '-'", seg)
		}
	}
	return nil
}

// normaliseDirectory trims the slashes of spec.git.directory, so that "",
// "/" and "/a/b/" become "", "" and "a/b".
func normaliseDirectory(dir string) string {
	return strings.Trim(dir, "/")
}

// relativeTo returns the package path of a repository path inside dir, and
// whether it is inside at all. The directory itself is inside, with an empty
// package path, so that the caller can report it rather than drop it.
func relativeTo(dir, path string) (string, bool) {
	switch {
	case dir == "":
		return path, true
	case path == dir:
		return "", true
	case strings.HasPrefix(path, dir+"/"):
		return path[len(dir)+1:], true
	default:
		return "", false
	}
}

// joinPath joins a directory and a relative path with '/', as git does.
func joinPath(dir, rel string) string {
	switch {
	case dir == "":
		return rel
	case rel == "":
		return dir
	default:
		return dir + "/" + rel
	}
}
