// Package bench measures the product at the scale of DESIGN.md: large
// repositories and many repositories, synced by the manager binary against
// a real control plane and a real git server, and what its admission
// webhooks add to a user's writes.
package bench

import (
	"fmt"
	"os/exec"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
)

// packageGroups spreads packages over folders so that no tree is huge.
const packageGroups = 32

// Generate writes a bare repository at dir holding packages packages under
// g<NN>/p<NNNN>, each published revisions times as upstream Porch does: one
// commit on main per publication, whose message carries the kpt: annotation
// of the workspace, and a tag <path>/v<N>.
func Generate(dir string, packages, revisions int) error {
	repo, err := gogit.PlainInit(dir, true)
	if err != nil {
		return err
	}
	g := &generator{st: repo.Storer, groups: make([][]object.TreeEntry, packageGroups)}
	for round := 1; round <= revisions; round++ {
		for i := range packages {
			if err := g.publish(i, round); err != nil {
				return err
			}
		}
	}
	if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), g.head)); err != nil {
		return err
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main"))); err != nil {
		return err
	}
	// Serve it as a real repository would be: packed objects and refs.
	out, err := exec.Command("git", "-C", dir, "repack", "-adq").CombinedOutput()
	if err != nil {
		return fmt.Errorf("git repack: %v: %s", err, out)
	}
	if out, err := exec.Command("git", "-C", dir, "pack-refs", "--all").CombinedOutput(); err != nil {
		return fmt.Errorf("git pack-refs: %v: %s", err, out)
	}
	return nil
}

type generator struct {
	st     storage.Storer
	groups [][]object.TreeEntry
	head   plumbing.Hash
}

// publish commits revision round of package i onto main and tags it.
func (g *generator) publish(i, round int) error {
	group := i % packageGroups
	name := fmt.Sprintf("p%04d", i)
	path := fmt.Sprintf("g%02d/%s", group, name)
	kptfile, err := g.blob(generatedKptfile(name))
	if err != nil {
		return err
	}
	cm, err := g.blob(generatedConfigMap(name, round))
	if err != nil {
		return err
	}
	pkg, err := g.tree([]object.TreeEntry{{Name: "Kptfile", Mode: filemode.Regular, Hash: kptfile}, {Name: "cm.yaml", Mode: filemode.Regular, Hash: cm}})
	if err != nil {
		return err
	}
	g.groups[group] = setEntry(g.groups[group], object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: pkg})
	var root []object.TreeEntry
	for n, entries := range g.groups {
		if len(entries) == 0 {
			continue
		}
		h, err := g.tree(entries)
		if err != nil {
			return err
		}
		root = append(root, object.TreeEntry{Name: fmt.Sprintf("g%02d", n), Mode: filemode.Dir, Hash: h})
	}
	rootHash, err := g.tree(root)
	if err != nil {
		return err
	}
	task := `{"type":"init","init":{"description":"generated package"}}`
	message := fmt.Sprintf("Approve %s/ws%d\n\nkpt:{\"package\":%q,\"workspaceName\":\"ws%d\",\"revision\":\"%d\",\"task\":%s}\n", path, round, path, round, round, task)
	sig := object.Signature{Name: "Bench", Email: "bench@example.com", When: time.Unix(1767225600, 0).Add(time.Duration(i+round*packageGroups) * time.Second)}
	commit := &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: rootHash}
	if !g.head.IsZero() {
		commit.ParentHashes = []plumbing.Hash{g.head}
	}
	if g.head, err = g.store(commit); err != nil {
		return err
	}
	return g.st.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(fmt.Sprintf("%s/v%d", path, round)), g.head))
}

func (g *generator) blob(content string) (plumbing.Hash, error) {
	obj := g.st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return g.st.SetEncodedObject(obj)
}

func (g *generator) tree(entries []object.TreeEntry) (plumbing.Hash, error) {
	return g.store(&object.Tree{Entries: entries})
}

func (g *generator) store(o interface {
	Encode(plumbing.EncodedObject) error
}) (plumbing.Hash, error) {
	obj := g.st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return g.st.SetEncodedObject(obj)
}

// setEntry replaces the entry of the same name, or adds it; entries stay
// sorted by name because packages are added in name order.
func setEntry(entries []object.TreeEntry, e object.TreeEntry) []object.TreeEntry {
	for i := range entries {
		if entries[i].Name == e.Name {
			entries[i] = e
			return entries
		}
	}
	return append(entries, e)
}

// generatedKptfile is the Kptfile of a generated package.
func generatedKptfile(name string) string {
	return fmt.Sprintf("apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: %s\ninfo:\n  description: generated package\n", name)
}

// generatedConfigMap is the one resource of a generated package's revision.
func generatedConfigMap(name string, revision int) string {
	return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  revision: \"%d\"\n", name, revision)
}
