package gitserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

const mainHEAD = "ref: refs/heads/main\n"

func TestAutoCreateCloneAndPush(t *testing.T) {
	s := startServer(t, Options{AutoCreate: true})
	const name = "team/blueprints"

	// go-git reports a successful clone of an empty repository as
	// ErrEmptyRemoteRepository; any other outcome means the server failed.
	_, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: s.RepoURL(name)})
	wantErrIs(t, "clone of new repository", err, transport.ErrEmptyRemoteRepository)
	if got := readHEAD(t, filepath.Join(s.root, "team", "blueprints.git")); got != mainHEAD {
		t.Fatalf("HEAD of created repository = %q, want %q", got, mainHEAD)
	}

	commit := pushReadme(t, s.RepoURL(name), nil, "# blueprints\n")
	wantMain(t, s.RepoURL(name), nil, commit)
	wantMain(t, s.URL()+"/"+name, nil, commit)

	clone, err := git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: s.URL() + "/" + name})
	if err != nil {
		t.Fatalf("clone after push: %v", err)
	}
	head, err := clone.Head()
	if err != nil || head.Hash() != commit || head.Name().Short() != "main" {
		t.Fatalf("cloned HEAD = %v, %v; want main at %v", head, err, commit)
	}
}

func TestAuthentication(t *testing.T) {
	s := startServer(t, Options{Username: "porch", Password: "s3cret", BearerToken: "tok-123"})
	good := &githttp.BasicAuth{Username: "porch", Password: "s3cret"}
	if _, err := s.CreateRepository("auth"); err != nil {
		t.Fatal(err)
	}
	commit := pushReadme(t, s.RepoURL("auth"), good, "auth\n")

	tests := []struct {
		name string
		auth transport.AuthMethod
		want error
	}{
		{"basic right", good, nil},
		{"basic wrong password", &githttp.BasicAuth{Username: "porch", Password: "wrong"}, transport.ErrAuthenticationRequired},
		{"basic wrong user", &githttp.BasicAuth{Username: "other", Password: "s3cret"}, transport.ErrAuthenticationRequired},
		{"basic empty password", &githttp.BasicAuth{Username: "porch"}, transport.ErrAuthenticationRequired},
		{"no credentials", nil, transport.ErrAuthenticationRequired},
		{"bearer right", &githttp.TokenAuth{Token: "tok-123"}, nil},
		{"bearer wrong", &githttp.TokenAuth{Token: "tok-1234"}, transport.ErrAuthenticationRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := listRefs(s.RepoURL("auth"), tt.auth)
			wantErrIs(t, "List", err, tt.want)
			if tt.want == nil {
				wantMain(t, s.RepoURL("auth"), tt.auth, commit)
			}
		})
	}
}

func TestBearerTokenAlone(t *testing.T) {
	s := startServer(t, Options{BearerToken: "only-token", AutoCreate: true})
	token := &githttp.TokenAuth{Token: "only-token"}
	commit := pushReadme(t, s.RepoURL("tok"), token, "token\n")

	tests := []struct {
		name string
		auth transport.AuthMethod
		want error
	}{
		{"token", token, nil},
		{"no credentials", nil, transport.ErrAuthenticationRequired},
		{"basic instead of token", &githttp.BasicAuth{Username: "x", Password: "only-token"}, transport.ErrAuthenticationRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := listRefs(s.RepoURL("tok"), tt.auth)
			wantErrIs(t, "List", err, tt.want)
		})
	}
	wantMain(t, s.RepoURL("tok"), token, commit)
}

func TestChallengeHeader(t *testing.T) {
	s := startServer(t, Options{Username: "u", Password: "p"})
	resp, err := http.Get(s.RepoURL("x") + "/info/refs?service=git-upload-pack")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="git"` {
		t.Fatalf("got %d %q, want 401 with Basic challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestUnknownRepositoryWithoutAutoCreate(t *testing.T) {
	s := startServer(t, Options{})
	for _, url := range []string{s.RepoURL("missing"), s.URL() + "/missing", s.RepoURL("team/missing")} {
		_, err := listRefs(url, nil)
		wantErrIs(t, "List "+url, err, transport.ErrRepositoryNotFound)
		_, err = git.PlainClone(t.TempDir(), false, &git.CloneOptions{URL: url})
		wantErrIs(t, "clone "+url, err, transport.ErrRepositoryNotFound)
	}
	if names := dirNames(t, s.root); len(names) != 0 {
		t.Fatalf("root not empty after requests for unknown repositories: %v", names)
	}
}

func TestConcurrentAutoCreate(t *testing.T) {
	s := startServer(t, Options{AutoCreate: true})
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(s.RepoURL("race/repo") + "/info/refs?service=git-upload-pack")
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := dirNames(t, s.root); !slices.Equal(got, []string{"race"}) {
		t.Fatalf("root holds %v, want only [race] (no temporary directories left)", got)
	}
	if got := readHEAD(t, filepath.Join(s.root, "race", "repo.git")); got != mainHEAD {
		t.Fatalf("HEAD = %q", got)
	}
}

func TestCreateRepository(t *testing.T) {
	s, err := New(Options{Root: filepath.Join(t.TempDir(), "nested", "root")})
	if err != nil {
		t.Fatal(err)
	}
	path, err := s.CreateRepository("team/x")
	if err != nil || path != filepath.Join(s.root, "team", "x.git") {
		t.Fatalf("CreateRepository = %q, %v", path, err)
	}
	if got := readHEAD(t, path); got != mainHEAD {
		t.Fatalf("HEAD = %q, want %q", got, mainHEAD)
	}
	again, err := s.CreateRepository("team/x.git")
	if !errors.Is(err, fs.ErrExist) || again != path {
		t.Fatalf("second CreateRepository = %q, %v; want %q and fs.ErrExist", again, err, path)
	}
	for _, bad := range []string{"", "../x", "/abs", "a//b", ".x"} {
		if p, err := s.CreateRepository(bad); err == nil {
			t.Errorf("CreateRepository(%q) = %q, want error", bad, p)
		}
	}
	if got := dirNames(t, s.root); !slices.Equal(got, []string{"team"}) {
		t.Fatalf("root holds %v, want only [team]", got)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"no root", Options{}},
		{"password without user", Options{Root: t.TempDir(), Password: "p"}},
		{"colon in user", Options{Root: t.TempDir(), Username: "a:b", Password: "p"}},
		{"space in token", Options{Root: t.TempDir(), BearerToken: "a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.opts); err == nil {
				t.Fatal("New succeeded, want error")
			}
		})
	}
}

func TestStartAndClose(t *testing.T) {
	s, err := New(Options{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close before Start: %v", err)
	}
	if s.URL() != "" {
		t.Fatalf("URL before Start = %q", s.URL())
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || strings.HasSuffix(s.URL(), "/") {
		t.Fatalf("URL = %q", s.URL())
	}
	if got, want := s.RepoURL("a/b"), s.URL()+"/a/b.git"; got != want {
		t.Fatalf("RepoURL = %q, want %q", got, want)
	}
	if err := s.Start(); err == nil {
		t.Fatal("second Start succeeded")
	}
	for i := range 2 {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	if _, err := http.Get(s.URL()); err == nil {
		t.Fatal("server still answering after Close")
	}
}
