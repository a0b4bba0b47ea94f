package git

import (
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Branch prefixes of upstream Porch's layout.
const (
	draftsPrefix           = "drafts/"
	proposedPrefix         = "proposed/"
	deletionProposedPrefix = "deletionProposed/"
)

// revisionMarksPrefix holds the product's own refs, beside upstream's
// layout: refs/porch/revisions/<path> is at the approval commit of the
// highest revision number the package ever had. It outlives the tag, so
// that a number, once given, is never given again.
const revisionMarksPrefix = "refs/porch/revisions/"

// refKind is the role a ref plays in the layout.
type refKind int

const (
	refOther            refKind = iota // not part of the layout: ignored
	refBranch                          // the registered branch
	refTag                             // <path>/<version>
	refDraft                           // drafts/<path>/<workspace>
	refProposed                        // proposed/<path>/<workspace>
	refDeletionProposed                // deletionProposed/<path>/v<N>
)

// layoutRef is a ref with the package path and last segment its name holds.
type layoutRef struct {
	kind  refKind
	ref   *plumbing.Reference
	short string // the ref's short name, e.g. "drafts/a/ws" or "a/v1"
	path  string // the package's repository path; "" for the registered branch
	last  string // the workspace or version segment
}

// parseLayoutRef places a ref in the layout. Tags without a '/' are release
// tags of the repository, not of a package, and are ignored. A draft or
// proposed branch without a package path is returned with an empty path for
// the caller to report.
func parseLayoutRef(ref *plumbing.Reference, branch string) layoutRef {
	name := ref.Name()
	lr := layoutRef{ref: ref}
	switch {
	case name.IsTag():
		lr.short = strings.TrimPrefix(name.String(), "refs/tags/")
		if i := strings.LastIndex(lr.short, "/"); i > 0 {
			lr.kind, lr.path, lr.last = refTag, lr.short[:i], lr.short[i+1:]
		}
	case name.IsBranch():
		lr.short = strings.TrimPrefix(name.String(), "refs/heads/")
		switch {
		case lr.short == branch:
			lr.kind = refBranch
		case strings.HasPrefix(lr.short, draftsPrefix):
			lr.kind = refDraft
			lr.path, lr.last = splitLast(strings.TrimPrefix(lr.short, draftsPrefix))
		case strings.HasPrefix(lr.short, proposedPrefix):
			lr.kind = refProposed
			lr.path, lr.last = splitLast(strings.TrimPrefix(lr.short, proposedPrefix))
		case strings.HasPrefix(lr.short, deletionProposedPrefix):
			lr.kind = refDeletionProposed
			lr.path, lr.last = splitLast(strings.TrimPrefix(lr.short, deletionProposedPrefix))
		}
	default:
		// Short is costly, and tags and branches, nearly every ref, need
		// none of it.
		lr.short = name.Short()
	}
	return lr
}

// splitLast splits "a/b/ws" into "a/b" and "ws"; "ws" alone has no path.
func splitLast(s string) (string, string) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return "", s
	}
	return s[:i], s[i+1:]
}

// parseVersion reads "v<N>" with N a positive integer written without
// leading zeros; ok is false for anything else, such as "v2.0.0" or "v01".
func parseVersion(s string) (int, bool) {
	digits, found := strings.CutPrefix(s, "v")
	if !found || digits == "" || digits[0] == '0' {
		return 0, false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > 1<<30 {
		return 0, false
	}
	return n, true
}

// describe names a ref in messages: "tag \"a/v1\"" or "branch \"main\"".
func (lr layoutRef) describe() string {
	if lr.ref.Name().IsTag() {
		return "tag " + strconv.Quote(lr.short)
	}
	return "branch " + strconv.Quote(lr.short)
}

// draftRef is the branch of a draft: drafts/<path>/<workspace>.
func draftRef(path, ws string) plumbing.ReferenceName {
	return plumbing.NewBranchReferenceName(draftsPrefix + path + "/" + ws)
}

// proposedRef is the branch of a proposed revision: proposed/<path>/<workspace>.
func proposedRef(path, ws string) plumbing.ReferenceName {
	return plumbing.NewBranchReferenceName(proposedPrefix + path + "/" + ws)
}

// versionTag is the tag of published revision n: <path>/v<n>.
func versionTag(path string, n int) plumbing.ReferenceName {
	return plumbing.NewTagReferenceName(path + "/v" + strconv.Itoa(n))
}

// revisionMark is the ref of the highest revision number path was given.
func revisionMark(path string) plumbing.ReferenceName {
	return plumbing.ReferenceName(revisionMarksPrefix + path)
}

// deletionProposedRef marks published revision n for deletion:
// deletionProposed/<path>/v<n>.
func deletionProposedRef(path string, n int) plumbing.ReferenceName {
	return plumbing.NewBranchReferenceName(deletionProposedPrefix + path + "/v" + strconv.Itoa(n))
}
