package gitserver

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"
)

// startServer starts a server on loopback and stops it before t's temporary
// directories are removed (cleanups run last-in, first-out).
func startServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Root == "" {
		opts.Root = t.TempDir()
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// pushReadme commits a README in a fresh go-git work tree on branch main and
// pushes it to url, returning the commit.
func pushReadme(t *testing.T, url string, auth transport.AuthMethod, content string) plumbing.Hash {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.Main},
	})
	if err != nil {
		t.Fatalf("PlainInit: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("README.md"); err != nil {
		t.Fatalf("Add: %v", err)
	}
	hash, err := wt.Commit("add README", &git.CommitOptions{
		Author: &object.Signature{Name: "Test", Email: "test@example.com", When: time.Now()},
	})
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}}); err != nil {
		t.Fatal(err)
	}
	err = repo.Push(&git.PushOptions{
		RemoteName: "origin",
		RefSpecs:   []config.RefSpec{"refs/heads/main:refs/heads/main"},
		Auth:       auth,
	})
	if err != nil {
		t.Fatalf("Push to %s: %v", url, err)
	}
	return hash
}

// listRefs is go-git's equivalent of "git ls-remote".
func listRefs(url string, auth transport.AuthMethod) (map[plumbing.ReferenceName]plumbing.Hash, error) {
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{url}})
	refs, err := remote.List(&git.ListOptions{Auth: auth})
	if err != nil {
		return nil, err
	}
	out := make(map[plumbing.ReferenceName]plumbing.Hash, len(refs))
	for _, r := range refs {
		out[r.Name()] = r.Hash()
	}
	return out, nil
}

func wantMain(t *testing.T, url string, auth transport.AuthMethod, want plumbing.Hash) {
	t.Helper()
	refs, err := listRefs(url, auth)
	if err != nil {
		t.Fatalf("List %s: %v", url, err)
	}
	if got := refs[plumbing.NewBranchReferenceName("main")]; got != want {
		t.Fatalf("List %s: refs/heads/main = %v, want %v (all refs: %v)", url, got, want, refs)
	}
}

func wantErrIs(t *testing.T, what string, err, want error) {
	t.Helper()
	if want == nil && err != nil {
		t.Fatalf("%s: unexpected error %v", what, err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

func readHEAD(t *testing.T, repoDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoDir, "HEAD"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dirNames lists a directory so tests can prove nothing appeared in it.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
