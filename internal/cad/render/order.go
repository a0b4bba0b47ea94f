package render

import (
	"path"
	"sort"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// outputOrder remembers where each resource came in the output of the last
// package render that wrote it, keyed by its file (relative to the root)
// and its place in that file. kpt hands a subpackage's output to its parent
// in memory, in that order; this render goes through files, and uses these
// places to give the parent's functions the same order.
type outputOrder map[string]int

func orderKey(file string, place int) string {
	return file + "#" + strconv.Itoa(place)
}

// record notes the order of nodes about to be written for the package in
// dir; their paths are relative to dir. A resource's place in its file is
// its rank by index, which is where the reader will find it.
func (o outputOrder) record(nodes []*yaml.RNode, dir string) {
	byFile := map[string][]int{}
	for i, n := range nodes {
		p, _, _ := kioutil.GetFileAnnotations(n)
		byFile[p] = append(byFile[p], i)
	}
	for p, positions := range byFile {
		sort.SliceStable(positions, func(a, b int) bool {
			return fileIndex(nodes[positions[a]]) < fileIndex(nodes[positions[b]])
		})
		for place, i := range positions {
			o[orderKey(path.Join(dir, p), place)] = i
		}
	}
}

func fileIndex(n *yaml.RNode) int {
	_, index, _ := kioutil.GetFileAnnotations(n)
	i, _ := strconv.Atoi(index)
	return i
}

// sortForPackage orders nodes, just read for the package n with paths
// relative to it, as kpt gives them to its functions: each subpackage's
// resources in the order that subpackage's render left them, subpackages in
// name order, then the package's own resources in file order.
func (o outputOrder) sortForPackage(nodes []*yaml.RNode, n *pkgNode) {
	type key struct{ group, place int }
	keys := make(map[*yaml.RNode]key, len(nodes))
	for i, node := range nodes {
		p, _, _ := kioutil.GetFileAnnotations(node)
		file := path.Join(n.dir, p)
		k := key{group: len(n.children), place: i}
		for g, c := range n.children {
			if within(file, c.dir) {
				k.group = g
				if place, ok := o[orderKey(file, fileIndex(node))]; ok {
					k.place = place
				}
				break
			}
		}
		keys[node] = k
	}
	sort.SliceStable(nodes, func(a, b int) bool {
		ka, kb := keys[nodes[a]], keys[nodes[b]]
		if ka.group != kb.group {
			return ka.group < kb.group
		}
		return ka.place < kb.place
	})
}

// ownFirst orders nodes, just read for the package n with paths relative
// to it, as kpt gives them to a breadth-first render's functions: the
// package's own resources, then each subpackage's, subpackages in name
// order, each in file order.
func ownFirst(nodes []*yaml.RNode, n *pkgNode) {
	group := make(map[*yaml.RNode]int, len(nodes))
	for _, node := range nodes {
		p, _, _ := kioutil.GetFileAnnotations(node)
		file := path.Join(n.dir, p)
		for g, c := range n.children {
			if within(file, c.dir) {
				group[node] = g + 1
				break
			}
		}
	}
	sort.SliceStable(nodes, func(a, b int) bool { return group[nodes[a]] < group[nodes[b]] })
}
