package git

import (
	"fmt"
	"maps"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/porch-dev/porch/internal/backend"
)

// PublishedPackage is a published revision's package as git holds it.
type PublishedPackage struct {
	// Files maps paths relative to the package folder to their content,
	// as discovery reads them (no symlinks, submodules or unsafe names).
	Files map[string]string
	// Commit is the commit the revision's ref points at, tags peeled.
	Commit string
	// Ref is the short name of the ref read: the tag "<path>/v<N>", or
	// "deletionProposed/<path>/v<N>" when only that branch is left.
	Ref string
}

// ReadPublished reads published revision n of package pkg (a path relative
// to directory, the repository's spec.git.directory) from the mirror: the
// package folder at the commit of the tag <path>/v<n>, or, when the tag is
// gone, of the branch deletionProposed/<path>/v<n>, as discovery reads a
// revision whose deletion is half done. It reads the mirror as fetched
// last and never the network: fetch first to see the remote's latest.
//
// This is what the system reads a revision's content from when it builds
// on it (a clone, an edit, an upgrade): the commit a tag names, never a
// copy kept anywhere a user could write.
//
// Errors wrap backend.ErrRefNotFound when the mirror holds neither ref
// (a fetch may bring it), ErrPackageNotFound when the commit has no package
// folder there, and ErrInvalidPackage for a path that is no package path
// or content over maxBytes (when > 0).
func (m *Mirror) ReadPublished(directory, pkg string, n int, maxBytes int64) (*PublishedPackage, error) {
	dir := normaliseDirectory(directory)
	if err := checkDirectory(dir); err != nil {
		return nil, err
	}
	if err := checkPackagePath(pkg); err != nil {
		return nil, fmt.Errorf("%w: package %q: %v", backend.ErrInvalidPackage, pkg, err)
	}
	if n < 1 {
		return nil, fmt.Errorf("%w: revision %d of package %q: published revisions are numbered from 1", backend.ErrInvalidPackage, n, pkg)
	}
	path := joinPath(dir, pkg)
	name, start, earlier, err := m.firstRef(versionTag(path, n), deletionProposedRef(path, n))
	if err != nil {
		return nil, err
	}
	if start.IsZero() {
		return nil, fmt.Errorf("%w: the mirror of %s has no tag %s/v%d", backend.ErrRefNotFound, SafeURL(m.endpointURL()), path, n)
	}
	// As in Discover, the objects are read after the lock: a mirror only
	// ever gains objects, and the ref's are all in it.
	st := m.objectStorage(filesystem.Options{})
	defer st.Close()
	o := newObjectsAfter(st, earlier)
	commit, err := o.peel(start)
	if err != nil {
		return nil, fmt.Errorf("reading %s in the mirror of %s: %w", name.Short(), SafeURL(m.endpointURL()), err)
	}
	where := fmt.Sprintf("folder %q at %s (commit %s)", "/"+path, name.Short(), commit.Hash)
	folder, err := o.folder(commit.TreeHash, path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the %s: %w", where, err)
	case folder == nil:
		return nil, fmt.Errorf("%w: there is no %s", backend.ErrPackageNotFound, where)
	case !hasKptfile(folder):
		return nil, fmt.Errorf("%w: the %s has no %s, so it is not a package", backend.ErrPackageNotFound, where, kptfileName)
	}
	c, err := o.content(folder, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", where, err)
	}
	if c.tooLarge {
		return nil, fmt.Errorf("%w: the package in the %s holds %d bytes, over the limit of %d",
			backend.ErrInvalidPackage, where, c.size, maxBytes)
	}
	// The content may be shared with the mirror's last discovery: the
	// caller gets a map of its own.
	return &PublishedPackage{Files: maps.Clone(c.files), Commit: commit.Hash.String(), Ref: name.Short()}, nil
}

// firstRef returns, read together under the lock, the first of names the
// mirror has with its hash (zero when it has none), and what the last
// discovery derived.
func (m *Mirror) firstRef(names ...plumbing.ReferenceName) (plumbing.ReferenceName, plumbing.Hash, *derived, error) {
	if err := m.lock(); err != nil {
		return "", plumbing.ZeroHash, nil, err
	}
	defer m.mu.Unlock()
	st, err := m.storage()
	if err != nil {
		return "", plumbing.ZeroHash, nil, err
	}
	defer st.Close()
	for _, name := range names {
		if h := st.refs.hash(name); !h.IsZero() {
			return name, h, m.derived, nil
		}
	}
	return "", plumbing.ZeroHash, m.derived, nil
}

// endpointURL is the remote's address, read under the lock.
func (m *Mirror) endpointURL() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ep.URL
}
