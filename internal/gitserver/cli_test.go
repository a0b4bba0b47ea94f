package gitserver

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// runGit runs the git CLI isolated from the developer's configuration,
// credential helpers, terminal prompts and HTTP proxies.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GIT_") || strings.HasPrefix(strings.ToLower(kv), "http_proxy=") ||
			strings.HasPrefix(strings.ToLower(kv), "https_proxy=")
	})
	cmd.Env = append(cmd.Env,
		"HOME="+t.TempDir(),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"NO_PROXY=*", "no_proxy=*",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func withUser(t *testing.T, raw, user, password string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

// TestGitCLICloneEmptyAndPush follows the usual workflow with the real git
// CLI: clone a repository that does not exist yet, commit, push to main.
func TestGitCLICloneEmptyAndPush(t *testing.T) {
	s := startServer(t, Options{Username: "porch", Password: "p@ss word", AutoCreate: true})
	remote := withUser(t, s.RepoURL("cli/repo"), "porch", "p@ss word")

	dir := filepath.Join(t.TempDir(), "work")
	out := runGit(t, "", "clone", remote, dir)
	if !strings.Contains(out, "empty repository") {
		t.Fatalf("expected git to report an empty repository, got:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("cli\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "add", "README.md")
	runGit(t, dir, "commit", "-q", "-m", "add README")
	runGit(t, "", "-C", dir, "push", remote, "main")
	head := plumbing.NewHash(runGit(t, dir, "rev-parse", "HEAD"))

	wantMain(t, s.URL()+"/cli/repo", &githttp.BasicAuth{Username: "porch", Password: "p@ss word"}, head)
	if got := runGit(t, "", "ls-remote", withUser(t, s.URL()+"/cli/repo", "porch", "p@ss word"), "refs/heads/main"); !strings.HasPrefix(got, head.String()) {
		t.Fatalf("git ls-remote = %q, want %s", got, head)
	}
	// git ls-remote uses protocol v2, so this also covers the Git-Protocol
	// header travelling through CGI.
	if got := runGit(t, "", "ls-remote", "--symref", remote, "HEAD"); !strings.Contains(got, "ref: refs/heads/main\tHEAD") {
		t.Fatalf("HEAD symref = %q", got)
	}
}

// TestGitCLIChunkedPush pushes more than http.postBuffer (1 MiB), which makes
// the git CLI send a chunked request body that net/http/cgi would refuse on
// its own. The server is mounted through Handler() to observe that.
func TestGitCLIChunkedPush(t *testing.T) {
	s, err := New(Options{Root: t.TempDir(), AutoCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	var sawChunked atomic.Bool
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(r.TransferEncoding, "chunked") {
			sawChunked.Store(true)
		}
		s.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "--initial-branch=main")
	blob := make([]byte, 3<<20)
	_, _ = rand.Read(blob) // random data does not compress below postBuffer
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), blob, 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "add", "big.bin")
	runGit(t, dir, "commit", "-q", "-m", "big")
	runGit(t, "", "-C", dir, "push", ts.URL+"/big.git", "main")
	head := plumbing.NewHash(runGit(t, dir, "rev-parse", "HEAD"))

	if !sawChunked.Load() {
		t.Fatal("git did not send a chunked request; the test no longer covers that path")
	}
	wantMain(t, ts.URL+"/big", nil, head)
}
