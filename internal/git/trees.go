package git

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/porch-dev/porch/internal/backend"
)

type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func store(st storer.EncodedObjectStorer, obj encoder) (plumbing.Hash, error) {
	enc := st.NewEncodedObject()
	if err := obj.Encode(enc); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(enc)
}

func storeBlob(st storer.EncodedObjectStorer, content string) (plumbing.Hash, error) {
	blob := &plumbing.MemoryObject{}
	blob.SetType(plumbing.BlobObject)
	if _, err := blob.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(blob)
}

// storeTree stores entries as a tree, sorting them in git's order first.
func storeTree(st storer.EncodedObjectStorer, entries []object.TreeEntry) (plumbing.Hash, error) {
	sort.Slice(entries, func(i, j int) bool { return treeSortKey(entries[i]) < treeSortKey(entries[j]) })
	return store(st, &object.Tree{Entries: entries})
}

// treeSortKey orders tree entries as git does: a folder sorts as if its
// name ended in '/'.
func treeSortKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// folderNode is a folder being written: its files' blobs and its subfolders.
type folderNode struct {
	files   map[string]plumbing.Hash
	folders map[string]*folderNode
}

func newFolderNode() *folderNode {
	return &folderNode{files: map[string]plumbing.Hash{}, folders: map[string]*folderNode{}}
}

// writeFolder stores files (paths checked by checkFiles, '/'-separated) as
// regular files and returns the tree holding them.
func writeFolder(st storer.EncodedObjectStorer, files map[string]string) (plumbing.Hash, error) {
	root := newFolderNode()
	for _, p := range slices.Sorted(maps.Keys(files)) {
		blob, err := storeBlob(st, files[p])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		segs := strings.Split(p, "/")
		node := root
		for i, seg := range segs[:len(segs)-1] {
			if _, isFile := node.files[seg]; isFile {
				return plumbing.ZeroHash, fmt.Errorf("%w: file %q is inside %q, which is also a file",
					backend.ErrInvalidPackage, p, strings.Join(segs[:i+1], "/"))
			}
			next := node.folders[seg]
			if next == nil {
				next = newFolderNode()
				node.folders[seg] = next
			}
			node = next
		}
		name := segs[len(segs)-1]
		if _, isFolder := node.folders[name]; isFolder {
			return plumbing.ZeroHash, fmt.Errorf("%w: file %q is also a folder", backend.ErrInvalidPackage, p)
		}
		node.files[name] = blob
	}
	return root.store(st)
}

func (n *folderNode) store(st storer.EncodedObjectStorer) (plumbing.Hash, error) {
	entries := make([]object.TreeEntry, 0, len(n.files)+len(n.folders))
	for name, blob := range n.files {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob})
	}
	for name, sub := range n.folders {
		h, err := sub.store(st)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	return storeTree(st, entries)
}

// replaceFolder returns a root tree equal to root (zero: the empty tree)
// but for the folder at path, which becomes folder, or is removed when
// folder is zero. Folders left empty by a removal are removed too, since
// git does not keep empty folders.
func replaceFolder(st storer.EncodedObjectStorer, root plumbing.Hash, path string, folder plumbing.Hash) (plumbing.Hash, error) {
	h, err := replaceIn(st, root, strings.Split(path, "/"), folder, "")
	if err == nil && h.IsZero() {
		h, err = storeTree(st, nil)
	}
	return h, err
}

// replaceIn does replaceFolder's work in the tree at repository path at;
// it returns zero when that tree ends up empty.
func replaceIn(st storer.EncodedObjectStorer, tree plumbing.Hash, segs []string, folder plumbing.Hash, at string) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if !tree.IsZero() {
		t, err := object.GetTree(st, tree)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading tree %s: %w", tree, err)
		}
		entries = slices.Clone(t.Entries)
	}
	name := segs[0]
	i := slices.IndexFunc(entries, func(e object.TreeEntry) bool { return e.Name == name })
	child := folder
	if len(segs) > 1 {
		var sub plumbing.Hash
		if i >= 0 {
			if entries[i].Mode != filemode.Dir {
				return plumbing.ZeroHash, fmt.Errorf("%w: %q is a file in the repository, not a folder",
					backend.ErrInvalidPackage, joinPath(at, name))
			}
			sub = entries[i].Hash
		}
		var err error
		if child, err = replaceIn(st, sub, segs[1:], folder, joinPath(at, name)); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	if i >= 0 {
		entries = slices.Delete(entries, i, i+1)
	}
	if !child.IsZero() {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: child})
	}
	if len(entries) == 0 {
		return plumbing.ZeroHash, nil
	}
	return storeTree(st, entries)
}
