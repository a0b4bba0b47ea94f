package gitserver

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// segmentPattern is deliberately narrower than what git or the filesystem
// allow: a leading letter or digit rules out ".", "..", dot-files (where the
// server keeps its temporary directories) and option-like names in one rule.
var segmentPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

const (
	gitSuffix     = ".git"
	maxNameLength = 1024
)

// errBadName marks refusals caused by the client's input, so the handler can
// answer 400 instead of 500.
var errBadName = errors.New("invalid repository name")

// smartSuffixes are the only endpoints served under a repository. Dumb-HTTP
// paths (objects/..., HEAD) are left out on purpose: every supported client
// speaks the smart protocol and a smaller surface is easier to reason about.
var smartSuffixes = []string{"/info/refs", "/git-upload-pack", "/git-receive-pack"}

// normalizeName drops one trailing ".git" so that "x" and "x.git" name the
// same repository, then validates the result.
func normalizeName(name string) (string, error) {
	name = strings.TrimSuffix(name, gitSuffix)
	if err := validateName(name); err != nil {
		return "", err
	}
	return name, nil
}

// validateName accepts one or more "/"-separated segments. Because every
// segment must match segmentPattern, a valid name can never be absolute,
// contain "..", or otherwise resolve outside the repository root.
func validateName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", errBadName)
	}
	if len(name) > maxNameLength {
		return fmt.Errorf("%w: longer than %d bytes", errBadName, maxNameLength)
	}
	for _, seg := range strings.Split(name, "/") {
		if !segmentPattern.MatchString(seg) {
			return fmt.Errorf("%w: segment %q must match %s", errBadName, seg, segmentPattern)
		}
		// A ".git" directory in the middle would put one repository inside
		// another one's git directory, and a trailing one would make
		// "x.git.git" and "x.git" ambiguous.
		if strings.HasSuffix(seg, gitSuffix) {
			return fmt.Errorf("%w: segment %q must not end in %q", errBadName, seg, gitSuffix)
		}
	}
	return nil
}

// splitRequestPath splits a decoded URL path such as "/team/x.git/info/refs"
// into the repository name ("team/x") and the smart-HTTP endpoint
// ("/info/refs"). ok is false when the path is not a git endpoint at all;
// err is set when it is, but the name is unacceptable.
func splitRequestPath(urlPath string) (name, endpoint string, ok bool, err error) {
	for _, suffix := range smartSuffixes {
		if strings.HasSuffix(urlPath, suffix) {
			endpoint = suffix
			break
		}
	}
	if endpoint == "" || !strings.HasPrefix(urlPath, "/") {
		return "", "", false, nil
	}
	// "/info/refs" alone trims to "", which normalizeName refuses as empty.
	name, err = normalizeName(strings.TrimPrefix(strings.TrimSuffix(urlPath, endpoint), "/"))
	if err != nil {
		return "", "", true, err
	}
	return name, endpoint, true, nil
}

// repoDir maps a validated name to its directory below root. The final
// containment check is redundant with validateName; it is kept so that a
// future change to the name rules cannot silently open a path traversal.
func repoDir(root, name string) (string, error) {
	dir := filepath.Join(root, filepath.FromSlash(name)+gitSuffix)
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || rel == ".." ||
		strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("%w: %q escapes the repository root", errBadName, name)
	}
	return dir, nil
}
