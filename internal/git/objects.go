package git

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// maxTagChain bounds the tags of tags followed when peeling a ref.
const maxTagChain = 10

// objects reads commits, trees and blobs of a mirror for one discovery,
// remembering what it decoded: many refs share commits, history and
// unchanged package trees, and decoding each once keeps discovery fast.
type objects struct {
	st    storer.EncodedObjectStorer
	trees map[plumbing.Hash]*object.Tree
	// Unchanged files are shared by many revisions: reading each blob once
	// also makes their Files share the memory of the content.
	blobs map[plumbing.Hash]string
	sizes map[plumbing.Hash]int64
	// derived is what this pass worked out; earlier is the previous pass's,
	// read-only, nil when there is none.
	derived, earlier *derived
}

// derived is what discovery works out from objects, which never change:
// decoded commits, peeled tags, where package folders are in commits,
// package contents, commit annotations, parsed Kptfiles and creating
// tasks. A mirror keeps one pass's for the next, which then only works out
// what new commits and packages add: a sync after one new revision in a
// repository of thousands decodes little. Each pass keeps what it used, and no more, so
// what is kept is bounded by what the current refs lead to.
type derived struct {
	commits map[plumbing.Hash]*object.Commit
	peeled  map[plumbing.Hash]plumbing.Hash
	// folders maps a path in a root tree to the package folder's tree
	// there, zero when there is none; folderTrees holds those trees. Root
	// trees themselves are not kept: a repository has one per commit.
	folders     map[folderKey]plumbing.Hash
	folderTrees map[plumbing.Hash]*object.Tree
	contents    map[contentKey]*content
	notes       map[plumbing.Hash][]annotation
	kptfiles    map[plumbing.Hash]kptfileInfo
	tasks       map[taskKey]*porchv1alpha1.Task
}

// folderKey is a folder's path in a root tree.
type folderKey struct {
	root plumbing.Hash
	path string
}

// contentKey is a package folder read under a content limit.
type contentKey struct {
	tree     plumbing.Hash
	maxBytes int64
}

// taskKey is a walk back from start for the creating task of a revision.
type taskKey struct {
	start           plumbing.Hash
	path, workspace string
}

func newDerived() *derived {
	return &derived{
		commits: map[plumbing.Hash]*object.Commit{}, peeled: map[plumbing.Hash]plumbing.Hash{},
		folders: map[folderKey]plumbing.Hash{}, folderTrees: map[plumbing.Hash]*object.Tree{}, contents: map[contentKey]*content{},
		notes: map[plumbing.Hash][]annotation{}, kptfiles: map[plumbing.Hash]kptfileInfo{}, tasks: map[taskKey]*porchv1alpha1.Task{},
	}
}

func newObjects(st storer.EncodedObjectStorer) *objects {
	return newObjectsAfter(st, nil)
}

// newObjectsAfter reads st, reusing what an earlier pass derived.
func newObjectsAfter(st storer.EncodedObjectStorer, earlier *derived) *objects {
	return &objects{
		st:      st,
		trees:   map[plumbing.Hash]*object.Tree{},
		blobs:   map[plumbing.Hash]string{},
		sizes:   map[plumbing.Hash]int64{},
		derived: newDerived(),
		earlier: earlier,
	}
}

// lookup finds key in this pass's map, or in the earlier pass's, which it
// then carries into this one.
func lookup[K comparable, V any](cur map[K]V, earlier *derived, pick func(*derived) map[K]V, key K) (V, bool) {
	if v, ok := cur[key]; ok {
		return v, true
	}
	if earlier != nil {
		if v, ok := pick(earlier)[key]; ok {
			cur[key] = v
			return v, true
		}
	}
	var zero V
	return zero, false
}

func (o *objects) commit(h plumbing.Hash) (*object.Commit, error) {
	if c, ok := o.knownCommit(h); ok {
		return c, nil
	}
	c, err := object.GetCommit(o.st, h)
	if err != nil {
		return nil, fmt.Errorf("reading commit %s: %w", h, err)
	}
	o.derived.commits[h] = c
	return c, nil
}

// knownCommit is the commit h, or the one the tag h was peeled to, when
// this pass or the earlier one decoded it.
func (o *objects) knownCommit(h plumbing.Hash) (*object.Commit, bool) {
	if to, ok := lookup(o.derived.peeled, o.earlier, func(d *derived) map[plumbing.Hash]plumbing.Hash { return d.peeled }, h); ok {
		h = to
	}
	return lookup(o.derived.commits, o.earlier, func(d *derived) map[plumbing.Hash]*object.Commit { return d.commits }, h)
}

func (o *objects) tree(h plumbing.Hash) (*object.Tree, error) {
	if t, ok := o.trees[h]; ok {
		return t, nil
	}
	t, err := object.GetTree(o.st, h)
	if err != nil {
		return nil, fmt.Errorf("reading tree %s: %w", h, err)
	}
	o.trees[h] = t
	return t, nil
}

// folder is subtree(root, path) for the root tree of that hash, found
// without decoding the trees on the way when a pass did before.
func (o *objects) folder(root plumbing.Hash, path string) (*object.Tree, error) {
	key := folderKey{root, path}
	if h, ok := lookup(o.derived.folders, o.earlier, func(d *derived) map[folderKey]plumbing.Hash { return d.folders }, key); ok {
		if h.IsZero() {
			return nil, nil
		}
		if t, ok := lookup(o.derived.folderTrees, o.earlier, func(d *derived) map[plumbing.Hash]*object.Tree { return d.folderTrees }, h); ok {
			return t, nil
		}
	}
	rootTree, err := o.tree(root)
	if err != nil {
		return nil, err
	}
	t, err := o.subtree(rootTree, path)
	if err != nil {
		return nil, err
	}
	found := plumbing.ZeroHash
	if t != nil {
		found = t.Hash
		o.derived.folderTrees[t.Hash] = t
	}
	o.derived.folders[key] = found
	return t, nil
}

func (o *objects) annotations(c *object.Commit) []annotation {
	if a, ok := lookup(o.derived.notes, o.earlier, func(d *derived) map[plumbing.Hash][]annotation { return d.notes }, c.Hash); ok {
		return a
	}
	a := parseAnnotations(c.Message)
	o.derived.notes[c.Hash] = a
	return a
}

// errNotCommit marks a ref that does not lead to a commit, such as a tag of
// a tree: a ref to report, not a broken mirror.
type errNotCommit struct{ what string }

func (e errNotCommit) Error() string { return e.what + " does not point at a commit" }

// peel follows annotated tags down to the commit a ref designates;
// lightweight tags and branches point at it directly.
func (o *objects) peel(start plumbing.Hash) (*object.Commit, error) {
	h := start
	for range maxTagChain {
		if c, ok := o.knownCommit(h); ok {
			return c, nil
		}
		obj, err := o.st.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return nil, fmt.Errorf("reading object %s: %w", h, err)
		}
		switch obj.Type() {
		case plumbing.CommitObject:
			c, err := o.commit(h)
			if err == nil && h != start {
				o.derived.peeled[start] = h
			}
			return c, err
		case plumbing.TagObject:
			tag, err := object.DecodeTag(o.st, obj)
			if err != nil {
				return nil, fmt.Errorf("reading tag %s: %w", h, err)
			}
			h = tag.Target
		default:
			return nil, errNotCommit{what: fmt.Sprintf("object %s is a %s and", h, obj.Type())}
		}
	}
	return nil, errNotCommit{what: fmt.Sprintf("a chain of more than %d tags", maxTagChain)}
}

// subtree returns the tree at a '/'-separated path below root, or nil when
// there is no folder there.
func (o *objects) subtree(root *object.Tree, path string) (*object.Tree, error) {
	t := root
	if path == "" {
		return t, nil
	}
	for _, name := range strings.Split(path, "/") {
		e := entry(t, name)
		if e == nil || e.Mode != filemode.Dir {
			return nil, nil
		}
		next, err := o.tree(e.Hash)
		if err != nil {
			return nil, err
		}
		t = next
	}
	return t, nil
}

func entry(t *object.Tree, name string) *object.TreeEntry {
	for i := range t.Entries {
		if t.Entries[i].Name == name {
			return &t.Entries[i]
		}
	}
	return nil
}

// blobSize is a blob's size without reading its content when the storage
// can tell it (the filesystem storage reads it from the object header).
func (o *objects) blobSize(h plumbing.Hash) (int64, error) {
	if size, ok := o.sizes[h]; ok {
		return size, nil
	}
	var size int64
	if sizer, ok := o.st.(interface {
		EncodedObjectSize(plumbing.Hash) (int64, error)
	}); ok {
		var err error
		if size, err = sizer.EncodedObjectSize(h); err != nil {
			return 0, fmt.Errorf("reading the size of blob %s: %w", h, err)
		}
	} else {
		obj, err := o.st.EncodedObject(plumbing.BlobObject, h)
		if err != nil {
			return 0, fmt.Errorf("reading blob %s: %w", h, err)
		}
		size = obj.Size()
	}
	o.sizes[h] = size
	return size, nil
}

func (o *objects) blob(h plumbing.Hash) (string, error) {
	if data, ok := o.blobs[h]; ok {
		return data, nil
	}
	obj, err := o.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return "", fmt.Errorf("reading blob %s: %w", h, err)
	}
	r, err := obj.Reader()
	if err != nil {
		return "", fmt.Errorf("reading blob %s: %w", h, err)
	}
	defer r.Close()
	var b strings.Builder
	b.Grow(int(obj.Size()))
	if _, err := io.Copy(&b, io.LimitReader(r, obj.Size())); err != nil {
		return "", fmt.Errorf("reading blob %s: %w", h, err)
	}
	o.blobs[h] = b.String()
	return b.String(), nil
}

// kptfileInfo is what a Kptfile blob says: its upstreamLock or why it does
// not parse. Kptfiles rarely change between revisions, so they are parsed
// once per blob.
type kptfileInfo struct {
	kptfile.Description
	err string
}

func (o *objects) kptfile(h plumbing.Hash) (kptfileInfo, error) {
	if info, ok := lookup(o.derived.kptfiles, o.earlier, func(d *derived) map[plumbing.Hash]kptfileInfo { return d.kptfiles }, h); ok {
		return info, nil
	}
	data, err := o.blob(h)
	if err != nil {
		return kptfileInfo{}, err
	}
	var info kptfileInfo
	if info.Description, err = kptfile.Describe([]byte(data)); err != nil {
		info.err = err.Error()
	}
	o.derived.kptfiles[h] = info
	return info, nil
}
