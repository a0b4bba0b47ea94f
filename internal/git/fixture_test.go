package git

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"
)

// fixture builds commits, branches and tags in memory with go-git and pushes
// them to a remote, so tests control every object of a repository.
type fixture struct {
	t    testing.TB
	st   storage.Storer
	tick int
}

func newFixture(t testing.TB) *fixture {
	return &fixture{t: t, st: memory.NewStorage()}
}

// entry is one file of a commit's tree. Mode zero means a regular file.
type treeFile struct {
	content string
	mode    filemode.FileMode
	hash    plumbing.Hash // for submodules: the commit they point at
}

// files turns path -> content into regular files.
func files(kv ...string) map[string]treeFile {
	out := map[string]treeFile{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = treeFile{content: kv[i+1]}
	}
	return out
}

// merge returns the union of trees, later ones winning.
func merge(trees ...map[string]treeFile) map[string]treeFile {
	out := map[string]treeFile{}
	for _, t := range trees {
		for k, v := range t {
			out[k] = v
		}
	}
	return out
}

// tree writes the tree objects for a set of files and returns the root.
func (f *fixture) tree(fs map[string]treeFile) plumbing.Hash {
	f.t.Helper()
	return f.writeTree(fs, "")
}

func (f *fixture) writeTree(fs map[string]treeFile, dir string) plumbing.Hash {
	children := map[string]bool{}
	var entries []object.TreeEntry
	names := make([]string, 0, len(fs))
	for p := range fs {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		rel := p
		if dir != "" {
			if !strings.HasPrefix(p, dir+"/") {
				continue
			}
			rel = p[len(dir)+1:]
		}
		if i := strings.Index(rel, "/"); i >= 0 {
			if name := rel[:i]; !children[name] {
				children[name] = true
				entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir,
					Hash: f.writeTree(fs, path.Join(dir, name))})
			}
			continue
		}
		file := fs[p]
		mode, hash := file.mode, file.hash
		if mode == 0 {
			mode = filemode.Regular
		}
		if mode != filemode.Submodule {
			hash = f.blob(file.content)
		}
		entries = append(entries, object.TreeEntry{Name: rel, Mode: mode, Hash: hash})
	}
	return f.rawTree(entries)
}

// rawTree stores entries as given, in git's order, so tests can also write
// names a well-behaved client never would.
func (f *fixture) rawTree(entries []object.TreeEntry) plumbing.Hash {
	h, err := storeTree(f.st, entries)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

func (f *fixture) blob(content string) plumbing.Hash {
	h, err := storeBlob(f.st, content)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// when is the time of the next commit: one minute after the previous.
func (f *fixture) when() time.Time {
	f.tick++
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(f.tick) * time.Minute)
}

// commit stores a commit of the files with the given parents.
func (f *fixture) commit(fs map[string]treeFile, message string, parents ...plumbing.Hash) plumbing.Hash {
	f.t.Helper()
	return f.commitTree(f.tree(fs), message, parents...)
}

func (f *fixture) commitTree(tree plumbing.Hash, message string, parents ...plumbing.Hash) plumbing.Hash {
	sig := object.Signature{Name: "Test", Email: "test@example.com", When: f.when()}
	h, err := store(f.st, &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: tree, ParentHashes: parents})
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// annotatedTag stores a tag object pointing at target and returns its hash.
func (f *fixture) annotatedTag(name string, target plumbing.Hash) plumbing.Hash {
	sig := object.Signature{Name: "Test", Email: "test@example.com", When: f.when()}
	h, err := store(f.st, &object.Tag{Name: name, Tagger: sig, Message: "tag " + name + "\n",
		TargetType: plumbing.CommitObject, Target: target})
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// ref sets a ref ("refs/heads/..." or "refs/tags/...") in the fixture.
func (f *fixture) ref(name string, h plumbing.Hash) {
	if err := f.st.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		f.t.Fatal(err)
	}
}

// push makes the remote's refs those of the fixture (force), deleting the
// named refs on the remote.
func (f *fixture) push(ctx context.Context, ep Endpoint, deletes ...string) {
	f.t.Helper()
	var specs []config.RefSpec
	iter, err := f.st.IterReferences()
	if err != nil {
		f.t.Fatal(err)
	}
	_ = iter.ForEach(func(r *plumbing.Reference) error {
		if r.Type() == plumbing.HashReference {
			specs = append(specs, config.RefSpec(fmt.Sprintf("+%s:%s", r.Name(), r.Name())))
		}
		return nil
	})
	for _, d := range deletes {
		if err := f.st.RemoveReference(plumbing.ReferenceName(d)); err != nil {
			f.t.Fatal(err)
		}
		specs = append(specs, config.RefSpec(":"+d))
	}
	remote := gogit.NewRemote(f.st, &config.RemoteConfig{Name: "origin", URLs: []string{ep.URL}})
	err = remote.PushContext(ctx, &gogit.PushOptions{RemoteName: "origin", RefSpecs: specs, Auth: authMethod(ep.Credentials)})
	if err != nil && err != gogit.NoErrAlreadyUpToDate {
		f.t.Fatalf("push: %v", err)
	}
}

// kpt formats an annotation line as upstream Porch writes it.
func kpt(pkg, ws, revision, task string) string {
	line := fmt.Sprintf(`kpt:{"package":%q,"workspaceName":%q,"revision":%q`, pkg, ws, revision)
	if task != "" {
		line += `,"task":` + task
	}
	return line + "}"
}

// commitTime is the committer time of a fixture commit.
func (f *fixture) commitTime(h plumbing.Hash) time.Time {
	c, err := object.GetCommit(f.st, h)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Committer.When
}
