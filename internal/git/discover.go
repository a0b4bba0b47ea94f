package git

import (
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// DiscoverOptions say which part of a repository holds packages and how
// much of each to read.
type DiscoverOptions struct {
	// Branch is the registered branch, e.g. "main".
	Branch string
	// Directory is the repository's spec.git.directory: "", "/", "blueprints"
	// or "/a/b/" all work; slashes around it are ignored.
	Directory string
	// MaxPackageBytes limits the content read per package revision (the sum
	// of its file sizes); 0 means unlimited.
	MaxPackageBytes int64
	// RepoURL is recorded in each revision's SelfLock.
	RepoURL string
}

// Discovery is every package revision a mirror's refs hold.
type Discovery struct {
	// BranchCommit is the commit of the registered branch; "" when the
	// branch is absent.
	BranchCommit string
	// Revisions are sorted by Package, then Revision, then WorkspaceName.
	Revisions []PackageRevision
	// Skipped says, sorted, which refs and paths could not be represented
	// and why.
	Skipped []string
}

// PackageRevision is one revision of a package as stored in git.
type PackageRevision struct {
	// Package is the path relative to Directory, '/'-separated, e.g. "nested/pkg".
	Package string
	// Path is the package's path in the repository, e.g. "blueprints/nested/pkg".
	Path          string
	WorkspaceName string
	// Revision is N for a tag <path>/v<N>; -1 for the branch placeholder and
	// for tags not of the form v<N>; 0 for drafts and proposed revisions.
	Revision  int
	Lifecycle porchv1alpha1.PackageRevisionLifecycle
	// Ref is the short ref the revision was read from: "main",
	// "drafts/pkg/ws", "proposed/pkg/ws", "pkg/v1" (a tag) or
	// "deletionProposed/pkg/v1".
	Ref string
	// Commit is the commit the ref resolves to, tags peeled.
	Commit string
	// CommitTime is the committer time of Commit.
	CommitTime time.Time
	// Task is the task that created the revision, recovered from commit
	// annotations; nil when none is recorded.
	Task *porchv1alpha1.Task
	// UpstreamLock is the Kptfile's git upstreamLock; nil when absent or
	// when the Kptfile does not parse.
	UpstreamLock *porchv1alpha1.Locator
	// Conditions are the package's own, from the Kptfile's status.
	Conditions []porchv1alpha1.PackageCondition
	// Gates are the readiness gates of the Kptfile's info.
	Gates []porchv1alpha1.ReadinessGate
	// SelfLock locates this revision: RepoURL, Path, Ref and Commit.
	SelfLock *porchv1alpha1.Locator
	// Files maps paths relative to the package folder ('/'-separated) to
	// their content; nil when TooLarge.
	Files map[string]string
	// Size is the sum of the file sizes.
	Size int64
	// TooLarge says Size exceeds MaxPackageBytes.
	TooLarge bool
	// KptfileError is set when the Kptfile does not parse; the revision is
	// still returned with its files.
	KptfileError string

	// ContentID identifies Files: revisions with the same ContentID have
	// the same files (the package folder's tree, read under the same
	// content limit), so that Files need not be compared.
	ContentID string

	// folder is the package folder's tree.
	folder plumbing.Hash
}

// Discover reads every package revision from the mirror's current refs,
// without touching the network. Refs and paths that cannot be represented
// are listed in Skipped; an error means the mirror itself could not be read,
// and the previous result should be kept.
func (m *Mirror) Discover(opts DiscoverOptions) (*Discovery, error) {
	// The refs are read under the lock; what they lead to is read after
	// it, since objects are never removed from a mirror and writes and
	// fetches only add some: a discovery of a large repository does not
	// hold up the writes meanwhile.
	refs, earlier, err := m.snapshot()
	if err != nil {
		return nil, err
	}
	// The objects of those refs are all in the store already, so the
	// store may keep pack files open and its pack list cached until closed.
	st := m.objectStorage(filesystem.Options{ExclusiveAccess: true, MaxOpenDescriptors: discoverOpenPacks})
	defer st.Close()
	d, derived, err := discover(st, refs, opts, earlier)
	if err != nil {
		return nil, fmt.Errorf("reading the mirror of %s: %w", SafeURL(m.ep.URL), err)
	}
	m.mu.Lock()
	m.derived = derived
	m.mu.Unlock()
	return d, nil
}

// discover reads the revisions the refs lead to in st, reusing what an
// earlier pass derived, and returns what this one derived.
func discover(st storer.EncodedObjectStorer, refs []*plumbing.Reference, opts DiscoverOptions, earlier *derived) (*Discovery, *derived, error) {
	d := &discoverer{
		o:         newObjectsAfter(st, earlier),
		opts:      opts,
		dir:       normaliseDirectory(opts.Directory),
		repoURL:   SafeURL(opts.RepoURL),
		published: map[versionKey]*PackageRevision{},
		tagged:    map[versionKey]bool{},
	}
	var byKind [refDeletionProposed + 1][]layoutRef
	for _, ref := range refs {
		lr := parseLayoutRef(ref, opts.Branch)
		byKind[lr.kind] = append(byKind[lr.kind], lr)
	}
	// Tags come before deletionProposed branches, which mark them.
	steps := []struct {
		kind refKind
		read func(layoutRef) error
	}{
		{refBranch, d.readBranch},
		{refTag, d.readTag},
		{refDeletionProposed, d.readDeletionProposed},
		{refProposed, d.readWorkspaceBranch},
		{refDraft, d.readWorkspaceBranch},
	}
	for _, step := range steps {
		for _, lr := range byKind[step.kind] {
			if err := step.read(lr); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", lr.describe(), err)
			}
		}
	}
	d.settlePlaceholders()
	return d.result(), d.o.derived, nil
}
