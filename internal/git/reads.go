package git

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing/object"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// versionKey names a published revision: a package path and its number.
type versionKey struct {
	path     string
	revision int
}

// discoverer accumulates one discovery.
type discoverer struct {
	o       *objects
	opts    DiscoverOptions
	dir     string
	repoURL string

	branchCommit string
	revisions    []*PackageRevision
	skipped      []string
	// published holds the revisions read from v<N> tags, which
	// deletionProposed branches mark; tagged also remembers the tags that
	// were skipped, so that their branch does not bring them back.
	published map[versionKey]*PackageRevision
	tagged    map[versionKey]bool
}

func (d *discoverer) skip(lr layoutRef, format string, args ...any) {
	d.skipped = append(d.skipped, lr.describe()+": "+fmt.Sprintf(format, args...))
}

// revisionSpec is what a ref says about a revision before it is read.
type revisionSpec struct {
	lr        layoutRef
	path      string // in the repository
	pkg       string // relative to the directory
	rawWS     string // as written in git, to match annotations
	workspace string // normalised
	revision  int
	lifecycle porchv1alpha1.PackageRevisionLifecycle
	commit    *object.Commit
	folder    *object.Tree
}

// readBranch lists one placeholder revision per package on the registered
// branch.
func (d *discoverer) readBranch(lr layoutRef) error {
	commit, ok, err := d.peel(lr)
	if !ok || err != nil {
		return err
	}
	d.branchCommit = commit.Hash.String()
	ws, err := normaliseWorkspace(d.opts.Branch)
	if err != nil {
		d.skip(lr, "the branch name cannot be a workspace name (%v), so its packages are not listed", err)
		return nil
	}
	root, err := d.o.tree(commit.TreeHash)
	if err != nil {
		return err
	}
	top, err := d.o.subtree(root, d.dir)
	if err != nil || top == nil {
		return err
	}
	folders, err := d.o.findPackages(top, d.dir)
	if err != nil {
		return err
	}
	for _, f := range folders {
		pkg, _ := relativeTo(d.dir, f.path)
		if err := checkPackagePath(pkg); err != nil {
			d.skip(lr, "package %q is not listed: %v", f.path, err)
			continue
		}
		_, err := d.add(revisionSpec{
			lr: lr, path: f.path, pkg: pkg, rawWS: d.opts.Branch, workspace: ws,
			revision: -1, lifecycle: porchv1alpha1.PackageRevisionLifecyclePublished,
			commit: commit, folder: f.tree,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// readTag reads a published revision from a tag <path>/<version>.
func (d *discoverer) readTag(lr layoutRef) error {
	n, numbered := parseVersion(lr.last)
	if numbered {
		d.tagged[versionKey{lr.path, n}] = true
	}
	spec, ok, err := d.locate(lr)
	if !ok || err != nil {
		return err
	}
	spec.lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
	spec.revision, spec.rawWS = -1, lr.last
	if numbered {
		if spec.rawWS, err = d.numberedWorkspace(spec.commit, lr.path, n); err != nil {
			return err
		}
		spec.revision = n
	}
	rev, err := d.addNamed(spec)
	if rev != nil && numbered {
		d.published[versionKey{lr.path, n}] = rev
	}
	return err
}

// readDeletionProposed marks the published revision a deletionProposed
// branch names. When its tag is gone, the revision is read from the branch,
// so that a half-finished deletion still shows.
func (d *discoverer) readDeletionProposed(lr layoutRef) error {
	if _, under := relativeTo(d.dir, lr.path); !under {
		return nil
	}
	n, numbered := parseVersion(lr.last)
	if !numbered {
		d.skip(lr, "%q does not name a published revision v<N>", lr.last)
		return nil
	}
	key := versionKey{lr.path, n}
	if rev := d.published[key]; rev != nil {
		rev.Lifecycle = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
		return nil
	}
	if d.tagged[key] {
		return nil // the tag was skipped, with its reason
	}
	spec, ok, err := d.locate(lr)
	if !ok || err != nil {
		return err
	}
	if spec.rawWS, err = d.numberedWorkspace(spec.commit, lr.path, n); err != nil {
		return err
	}
	spec.revision, spec.lifecycle = n, porchv1alpha1.PackageRevisionLifecycleDeletionProposed
	_, err = d.addNamed(spec)
	return err
}

// readWorkspaceBranch reads a draft or proposed revision.
func (d *discoverer) readWorkspaceBranch(lr layoutRef) error {
	spec, ok, err := d.locate(lr)
	if !ok || err != nil {
		return err
	}
	spec.rawWS, spec.revision = lr.last, 0
	spec.lifecycle = porchv1alpha1.PackageRevisionLifecycleDraft
	if lr.kind == refProposed {
		spec.lifecycle = porchv1alpha1.PackageRevisionLifecycleProposed
	}
	_, err = d.addNamed(spec)
	return err
}

// numberedWorkspace is the workspace of published revision n, from the
// annotations, or "v<n>" as upstream does when none is recorded.
func (d *discoverer) numberedWorkspace(commit *object.Commit, path string, n int) (string, error) {
	ws, err := d.o.recoverWorkspace(commit.Hash, path, n)
	if ws == "" {
		ws = "v" + strconv.Itoa(n)
	}
	return ws, err
}

// peel resolves a ref to its commit; ok is false when the ref was skipped
// because it leads to something else.
func (d *discoverer) peel(lr layoutRef) (*object.Commit, bool, error) {
	commit, err := d.o.peel(lr.ref.Hash())
	var notCommit errNotCommit
	if errors.As(err, &notCommit) {
		d.skip(lr, "%v", err)
		return nil, false, nil
	}
	return commit, err == nil, err
}

// locate finds the package folder a tag or package branch names. ok is
// false when the ref is outside the directory (ignored) or was skipped.
func (d *discoverer) locate(lr layoutRef) (revisionSpec, bool, error) {
	pkg, under := relativeTo(d.dir, lr.path)
	if !under {
		return revisionSpec{}, false, nil
	}
	if err := checkPackagePath(pkg); err != nil {
		d.skip(lr, "package %q is not listed: %v", lr.path, err)
		return revisionSpec{}, false, nil
	}
	commit, ok, err := d.peel(lr)
	if !ok || err != nil {
		return revisionSpec{}, false, err
	}
	folder, err := d.o.folder(commit.TreeHash, lr.path)
	if err != nil {
		return revisionSpec{}, false, err
	}
	if folder == nil || !hasKptfile(folder) {
		d.skip(lr, "no Kptfile at %q in commit %s", lr.path, commit.Hash)
		return revisionSpec{}, false, nil
	}
	return revisionSpec{lr: lr, path: lr.path, pkg: pkg, commit: commit, folder: folder}, true, nil
}

// addNamed normalises the workspace name and adds the revision, or skips
// it when no valid name comes out.
func (d *discoverer) addNamed(spec revisionSpec) (*PackageRevision, error) {
	ws, err := normaliseWorkspace(spec.rawWS)
	if err != nil {
		d.skip(spec.lr, "package %q is not listed: %v", spec.path, err)
		return nil, nil
	}
	spec.workspace = ws
	return d.add(spec)
}

// add reads the revision's content and history and records it.
func (d *discoverer) add(spec revisionSpec) (*PackageRevision, error) {
	c, err := d.o.content(spec.folder, d.opts.MaxPackageBytes)
	if err != nil {
		return nil, err
	}
	task, err := d.o.creatingTaskOf(spec.commit.Hash, spec.path, spec.rawWS)
	if err != nil {
		return nil, err
	}
	for _, u := range c.unsafe {
		d.skip(spec.lr, "package %q: left out %q, a name unsafe to write to disk", spec.path, u)
	}
	commit := spec.commit.Hash.String()
	rev := &PackageRevision{
		Package:       spec.pkg,
		Path:          spec.path,
		WorkspaceName: spec.workspace,
		Revision:      spec.revision,
		Lifecycle:     spec.lifecycle,
		Ref:           spec.lr.short,
		Commit:        commit,
		CommitTime:    spec.commit.Committer.When,
		Task:          task,
		UpstreamLock:  c.upstreamLock.DeepCopy(),
		Conditions:    slices.Clone(c.conditions),
		Gates:         slices.Clone(c.gates),
		SelfLock: &porchv1alpha1.Locator{
			Type: porchv1alpha1.OriginTypeGit,
			Git:  &porchv1alpha1.GitLock{Repo: d.repoURL, Directory: spec.path, Ref: spec.lr.short, Commit: commit},
		},
		// Revisions may share content; each gets its own map to change.
		Files:        maps.Clone(c.files),
		Size:         c.size,
		TooLarge:     c.tooLarge,
		KptfileError: c.kptfileError,
		ContentID:    fmt.Sprintf("%s/%d", spec.folder.Hash, d.opts.MaxPackageBytes),
		folder:       spec.folder.Hash,
	}
	d.revisions = append(d.revisions, rev)
	return rev, nil
}

// settlePlaceholders dates each branch placeholder revision by the
// published revision of the package whose content it holds, when there is
// one: a branch commit that left the package as it was does not change
// where its content comes from. Otherwise every publish of any package
// would move every placeholder's commit, and its mirrored objects with it.
func (d *discoverer) settlePlaceholders() {
	latest := map[string]*PackageRevision{} // by path and folder
	for _, rev := range d.revisions {
		if rev.Revision < 1 {
			continue
		}
		key := rev.Path + "\x00" + rev.folder.String()
		if have, ok := latest[key]; !ok || rev.Revision > have.Revision {
			latest[key] = rev
		}
	}
	for _, rev := range d.revisions {
		if rev.Revision != -1 || rev.Ref != d.opts.Branch {
			continue
		}
		if pub, ok := latest[rev.Path+"\x00"+rev.folder.String()]; ok {
			rev.Commit, rev.CommitTime = pub.Commit, pub.CommitTime
			rev.SelfLock.Git.Commit = pub.Commit
		}
	}
}
