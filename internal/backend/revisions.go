package backend

// RevisionState is where one revision stands in its repository, in the
// terms every backend shares. Heads are opaque: a git commit, an image
// digest; empty when absent. The authoring controller compares it with
// what a user asked for to decide what to write; the writes themselves
// check these heads again at the remote.
type RevisionState struct {
	// Draft and Proposed are the heads of the revision's unpublished forms.
	Draft, Proposed string
	// Revision is the number of the published revision; 0 when it is not
	// published.
	Revision int
	// Published is the head of the published revision.
	Published string
	// DeletionProposed says whether its deletion was proposed.
	DeletionProposed bool
	// Branch is the head of a git repository's registered branch, or of
	// an OCI package's latest tag when the revision is its placeholder;
	// empty when absent.
	Branch string
	// OnBranch says whether the package has a folder on the registered
	// branch (a latest tag in OCI).
	OnBranch bool
}

// Head is the head of the revision's unpublished form, Proposed first.
func (s RevisionState) Head() string {
	if s.Proposed != "" {
		return s.Proposed
	}
	return s.Draft
}
