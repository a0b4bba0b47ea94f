package render

import (
	"path"
	"sort"
	"strings"

	"github.com/porch-dev/porch/internal/cad"
)

// root is where cad.Package.FileSystem mounts a package in memory, so that
// kyaml's package reader and writer, which kpt itself uses, give the same
// file semantics (globs, subpackages, deletions) without touching a disk.
const root = cad.FileSystemRoot

// pkgNode is a package of the tree being rendered: its folder, relative
// to the root ("" for the root), and its direct subpackages by name.
type pkgNode struct {
	dir      string
	children []*pkgNode
}

// packageTree finds the packages of pkg, the folders holding a Kptfile, and
// returns the root's node, or nil when the root has no Kptfile.
func packageTree(pkg cad.Package) *pkgNode {
	var dirs []string
	for name := range pkg {
		if path.Base(name) == cad.KptfileName {
			dirs = append(dirs, dirOf(name))
		}
	}
	sort.Strings(dirs)
	nodes := map[string]*pkgNode{}
	for _, d := range dirs {
		nodes[d] = &pkgNode{dir: d}
	}
	for _, d := range dirs {
		if parent := parentPackage(dirs, d); parent != "\x00" {
			nodes[parent].children = append(nodes[parent].children, nodes[d])
		}
	}
	return nodes[""]
}

// dirs lists the folders of the packages below n, then n's, in the order
// they render.
func (n *pkgNode) dirs() []string {
	var out []string
	for _, c := range n.children {
		out = append(out, c.dirs()...)
	}
	return append(out, n.dir)
}

// index maps the folder of n and of every package below it to its node.
func (n *pkgNode) index() map[string]*pkgNode {
	out := map[string]*pkgNode{n.dir: n}
	for _, c := range n.children {
		for d, node := range c.index() {
			out[d] = node
		}
	}
	return out
}

// parentPackage is the nearest package folder strictly above dir, or NUL
// when dir is not inside another package.
func parentPackage(dirs []string, dir string) string {
	best := "\x00"
	for _, d := range dirs {
		if d != dir && within(dir, d) && (best == "\x00" || len(d) > len(best)) {
			best = d
		}
	}
	return best
}

// within reports whether dir is inside, or is, the folder parent.
func within(dir, parent string) bool {
	return parent == "" || dir == parent || strings.HasPrefix(dir, parent+"/")
}

func dirOf(name string) string {
	if d := path.Dir(name); d != "." {
		return d
	}
	return ""
}

// fsPath is dir's path in the in-memory file system.
func fsPath(dir string) string {
	return path.Join(root, dir)
}
