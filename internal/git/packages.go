package git

import (
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// kptfileName marks a folder as a package.
const kptfileName = "Kptfile"

// content is what a package folder holds. It depends only on the folder's
// tree, so revisions whose package did not change share one.
type content struct {
	files        map[string]string // nil when tooLarge
	size         int64
	tooLarge     bool
	kptfileError string
	upstreamLock *porchv1alpha1.Locator
	gates        []porchv1alpha1.ReadinessGate
	conditions   []porchv1alpha1.PackageCondition
	// unsafe lists entries left out because their name could escape the
	// package folder or be taken for git metadata when written to disk.
	unsafe []string
}

// isFile says whether a tree entry is a regular file. Symlinks and
// submodules are not package content: a symlink's target is outside the
// package's control and a submodule's content is in another repository.
func isFile(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

// unsafeName reports names git trees should never hold but a crafted
// repository could: they would climb out of the package folder, or write
// git metadata, once the files are written to disk.
func unsafeName(name string) bool {
	return name == "" || name == "." || name == ".." || strings.EqualFold(name, ".git") ||
		strings.ContainsAny(name, "/\x00")
}

func hasKptfile(t *object.Tree) bool {
	e := entry(t, kptfileName)
	return e != nil && isFile(e.Mode)
}

// packageFolder is a folder holding a Kptfile.
type packageFolder struct {
	path string // in the repository
	tree *object.Tree
}

// findPackages lists the package folders at or below t, whose repository
// path is at. A folder with a Kptfile is a package and everything below it
// is its content, including folders with their own Kptfile.
func (o *objects) findPackages(t *object.Tree, at string) ([]packageFolder, error) {
	if hasKptfile(t) {
		return []packageFolder{{path: at, tree: t}}, nil
	}
	var found []packageFolder
	for _, e := range t.Entries {
		if e.Mode != filemode.Dir || unsafeName(e.Name) {
			continue
		}
		sub, err := o.tree(e.Hash)
		if err != nil {
			return nil, err
		}
		below, err := o.findPackages(sub, joinPath(at, e.Name))
		if err != nil {
			return nil, err
		}
		found = append(found, below...)
	}
	return found, nil
}

type fileEntry struct {
	path string // relative to the package folder
	hash plumbing.Hash
}

// content reads a package folder: every regular file in any subfolder, as
// bytes, and the Kptfile's upstreamLock. Past maxBytes (when > 0) only the
// Kptfile is read, so that an oversized package costs little.
func (o *objects) content(t *object.Tree, maxBytes int64) (*content, error) {
	key := contentKey{tree: t.Hash, maxBytes: maxBytes}
	if c, ok := lookup(o.derived.contents, o.earlier, func(d *derived) map[contentKey]*content { return d.contents }, key); ok {
		return c, nil
	}
	c := &content{}
	var files []fileEntry
	if err := o.listFiles(t, "", &files, c); err != nil {
		return nil, err
	}
	sizes := make([]int64, len(files))
	for i, f := range files {
		size, err := o.blobSize(f.hash)
		if err != nil {
			return nil, err
		}
		sizes[i] = size
		c.size += size
	}
	c.tooLarge = maxBytes > 0 && c.size > maxBytes
	if !c.tooLarge {
		c.files = make(map[string]string, len(files))
	}
	for i, f := range files {
		isKptfile := f.path == kptfileName
		if isKptfile && (!c.tooLarge || sizes[i] <= maxBytes) {
			info, err := o.kptfile(f.hash)
			if err != nil {
				return nil, err
			}
			c.upstreamLock, c.gates, c.conditions, c.kptfileError = info.UpstreamLock, info.Gates, info.Conditions, info.err
		}
		if c.tooLarge {
			continue
		}
		data, err := o.blob(f.hash)
		if err != nil {
			return nil, err
		}
		c.files[f.path] = data
	}
	sort.Strings(c.unsafe)
	o.derived.contents[key] = c
	return c, nil
}

// listFiles collects the regular files below t, depth first.
func (o *objects) listFiles(t *object.Tree, prefix string, out *[]fileEntry, c *content) error {
	for _, e := range t.Entries {
		rel := joinPath(prefix, e.Name)
		if unsafeName(e.Name) {
			c.unsafe = append(c.unsafe, rel)
			continue
		}
		switch {
		case e.Mode == filemode.Dir:
			sub, err := o.tree(e.Hash)
			if err != nil {
				return err
			}
			if err := o.listFiles(sub, rel, out, c); err != nil {
				return err
			}
		case isFile(e.Mode):
			*out = append(*out, fileEntry{path: rel, hash: e.Hash})
		}
	}
	return nil
}
