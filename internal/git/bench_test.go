package git

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

const (
	benchPackages = 1000
	benchGroups   = 32
	benchRounds   = 3
)

// BenchmarkDiscover discovers a repository of 1,000 packages with three
// tagged revisions each, published one commit at a time on main as
// upstream does, with annotated commit messages.
func BenchmarkDiscover(b *testing.B) {
	m := buildBenchMirror(b)
	opts := DiscoverOptions{Branch: "main", MaxPackageBytes: 1 << 20, RepoURL: "https://example.com/bench.git"}
	for b.Loop() {
		d, err := m.Discover(opts)
		if err != nil {
			b.Fatal(err)
		}
		if want := benchPackages * (benchRounds + 1); len(d.Revisions) != want || len(d.Skipped) != 0 {
			b.Fatalf("%d revisions, skipped %q; want %d", len(d.Revisions), d.Skipped, want)
		}
	}
}

// buildBenchMirror writes the repository in memory, then stores it in a
// mirror folder as one pack, as a fetch would.
func buildBenchMirror(b *testing.B) *Mirror {
	b.Helper()
	f := newFixture(b)
	kptfile := f.blob(kptfilePlain)
	pkgTrees := make([]plumbing.Hash, benchPackages)
	groups := make([][]object.TreeEntry, benchGroups)
	groupTrees := make([]plumbing.Hash, benchGroups)
	var head plumbing.Hash
	var refs []*plumbing.Reference
	for round := 1; round <= benchRounds; round++ {
		for i := range benchPackages {
			g := i % benchGroups
			name := fmt.Sprintf("p%04d", i)
			path := fmt.Sprintf("g%02d/%s", g, name)
			pkgTrees[i] = f.rawTree([]object.TreeEntry{
				{Name: "Kptfile", Mode: filemode.Regular, Hash: kptfile},
				{Name: "cm.yaml", Mode: filemode.Regular, Hash: f.blob(fmt.Sprintf("kind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  round: \"%d\"\n", name, round))},
				{Name: "deploy.yaml", Mode: filemode.Regular, Hash: f.blob(fmt.Sprintf("kind: Deployment\nmetadata:\n  name: %s\nspec:\n  replicas: %d\n", name, round))},
			})
			groups[g] = setEntry(groups[g], object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: pkgTrees[i]})
			groupTrees[g] = f.rawTree(groups[g])
			var rootEntries []object.TreeEntry
			for gi, h := range groupTrees {
				if !h.IsZero() {
					rootEntries = append(rootEntries, object.TreeEntry{Name: fmt.Sprintf("g%02d", gi), Mode: filemode.Dir, Hash: h})
				}
			}
			task := `{"type":"init","init":{}}`
			if round > 1 {
				task = fmt.Sprintf(`{"type":"edit","edit":{"sourceRef":{"name":"r.%s.ws%d"}}}`, name, round-1)
			}
			msg := fmt.Sprintf("Approving package revision %s/%d\n\n%s\n", path, round, kpt(path, fmt.Sprintf("ws%d", round), fmt.Sprint(round), task))
			var parents []plumbing.Hash
			if !head.IsZero() {
				parents = append(parents, head)
			}
			head = f.commitTree(f.rawTree(rootEntries), msg, parents...)
			refs = append(refs, plumbing.NewHashReference(plumbing.ReferenceName(fmt.Sprintf("refs/tags/%s/v%d", path, round)), head))
		}
	}
	refs = append(refs, plumbing.NewHashReference("refs/heads/main", head))

	m, err := OpenMirror(filepath.Join(b.TempDir(), "mirror"), Endpoint{URL: "http://127.0.0.1:1/bench.git"})
	if err != nil {
		b.Fatal(err)
	}
	st, err := m.storage()
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	writePack(b, f, st.Storage)
	for _, ref := range refs {
		if err := st.SetReference(ref); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

// setEntry replaces or adds an entry by name.
func setEntry(entries []object.TreeEntry, e object.TreeEntry) []object.TreeEntry {
	for i := range entries {
		if entries[i].Name == e.Name {
			entries[i] = e
			return entries
		}
	}
	return append(entries, e)
}

// writePack copies every object of the fixture into st as one pack with
// deltas, the form a fetch leaves behind.
func writePack(b *testing.B, f *fixture, st *filesystem.Storage) {
	var hashes []plumbing.Hash
	iter, err := f.st.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		b.Fatal(err)
	}
	_ = iter.ForEach(func(o plumbing.EncodedObject) error {
		hashes = append(hashes, o.Hash())
		return nil
	})
	w, err := st.PackfileWriter()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := packfile.NewEncoder(w, f.st, false).Encode(hashes, 10); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
