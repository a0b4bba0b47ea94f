package webhook

import (
	"path"
	"regexp"
	"strings"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// location is where a Repository keeps its packages, normalised so that two
// spellings of one place compare equal.
type location struct {
	typ     configv1alpha1.RepositoryType
	address string // git URL or OCI registry
	branch  string // git only
	dir     string // git only; "" is the root
}

// locationOf is the Repository's location; false when its spec names none
// (the CRD's CEL rules refuse such a spec before any webhook sees it).
func locationOf(r *configv1alpha1.Repository) (location, bool) {
	switch {
	case r.Spec.Type == configv1alpha1.RepositoryTypeGit && r.Spec.Git != nil:
		return location{
			typ:     configv1alpha1.RepositoryTypeGit,
			address: normalizeAddress(r.Spec.Git.Repo),
			branch:  r.Branch(),
			dir:     normalizeDir(r.Spec.Git.Directory),
		}, true
	case r.Spec.Type == configv1alpha1.RepositoryTypeOCI && r.Spec.Oci != nil:
		return location{typ: configv1alpha1.RepositoryTypeOCI, address: normalizeAddress(r.Spec.Oci.Registry)}, true
	default:
		return location{}, false
	}
}

// overlaps says whether two locations share packages: the same address and
// branch, and directories of which one holds the other.
func (l location) overlaps(o location) bool {
	if l.typ != o.typ || l.address != o.address || l.branch != o.branch {
		return false
	}
	return dirsOverlap(l.dir, o.dir)
}

// dirsOverlap compares whole path segments: "a" holds "a/b" but not "ab",
// and the root holds everything.
func dirsOverlap(a, b string) bool {
	return a == "" || b == "" || a == b || strings.HasPrefix(b, a+"/") || strings.HasPrefix(a, b+"/")
}

// normalizeDir drops surrounding slashes and "." segments; "" is the root.
func normalizeDir(dir string) string {
	d := strings.Trim(strings.TrimSpace(dir), "/")
	if d == "" {
		return ""
	}
	if d = path.Clean(d); d == "." {
		return ""
	}
	return d
}

// scpLike matches git's user@host:path form; the CRD accepts it beside URLs.
var scpLike = regexp.MustCompile(`^[^@/]+@[^:/]+:`)

// normalizeAddress makes the spellings of one remote equal: no surrounding
// spaces, trailing "/" or ".git", no user or password, and the scheme and
// host in lower case (the path keeps its case: servers may tell it apart).
func normalizeAddress(raw string) string {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	s = strings.TrimRight(strings.TrimSuffix(s, ".git"), "/")
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest := strings.ToLower(s[:i]), s[i+3:]
		host, p := splitHost(rest, "/")
		return scheme + "://" + host + p
	}
	if scpLike.MatchString(s) {
		host, p := splitHost(s, ":")
		return host + p
	}
	// An OCI registry such as registry.example.com/packages has no scheme.
	host, p := splitHost(s, "/")
	return host + p
}

// splitHost cuts s at the first sep into a lower-case host, without any
// userinfo, and the rest, which keeps sep.
func splitHost(s, sep string) (host, rest string) {
	host, rest = s, ""
	if i := strings.Index(s, sep); i >= 0 {
		host, rest = s[:i], s[i:]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	return strings.ToLower(host), rest
}
