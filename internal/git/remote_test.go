package git

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

const (
	user     = "porch"
	password = "correct-horse-battery"
)

// startServer starts a git server with AutoCreate and the given auth options.
func startServer(t *testing.T, auth gitserver.Options) *gitserver.Server {
	t.Helper()
	auth.Root, auth.AutoCreate = t.TempDir(), true
	srv, err := gitserver.New(auth)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

var basicAuth = gitserver.Options{Username: user, Password: password}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestResolveAndCreateBranch(t *testing.T) {
	srv := startServer(t, basicAuth)
	ctx := testContext(t)
	ep := Endpoint{URL: srv.RepoURL("demo"), Credentials: backend.Credentials{Username: user, Password: password}}

	_, err := ResolveBranch(ctx, ep, "main")
	if !errors.Is(err, backend.ErrBranchNotFound) || !strings.Contains(err.Error(), "is empty") {
		t.Fatalf("empty repository: got %v, want ErrBranchNotFound saying it is empty", err)
	}

	created, err := CreateBranch(ctx, ep, "main", DefaultSignature, "# demo\n")
	if err != nil {
		t.Fatalf("CreateBranch: %v", err)
	}
	got, err := ResolveBranch(ctx, ep, "main")
	if err != nil || got != created {
		t.Fatalf("ResolveBranch after create = %v, %v; want %v", got, err, created)
	}

	_, err = ResolveBranch(ctx, ep, "release")
	if !errors.Is(err, backend.ErrBranchNotFound) || !strings.Contains(err.Error(), `no branch "release"`) {
		t.Fatalf("missing branch: got %v", err)
	}

	// A second creation must not overwrite the existing branch.
	if _, err := CreateBranch(ctx, ep, "main", DefaultSignature, "# other\n"); err == nil {
		t.Fatal("CreateBranch over an existing branch succeeded; it must refuse")
	}
	if again, _ := ResolveBranch(ctx, ep, "main"); again != created {
		t.Fatalf("branch moved from %v to %v", created, again)
	}
}

func TestResolveBranchFailures(t *testing.T) {
	srv := startServer(t, basicAuth)
	ctx := testContext(t)
	good := backend.Credentials{Username: user, Password: password}
	if _, err := CreateBranch(ctx, Endpoint{URL: srv.RepoURL("demo"), Credentials: good}, "main", DefaultSignature, "x"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		ep       Endpoint
		wantKind error
		wantMsg  string
	}{
		{"wrong password", Endpoint{URL: srv.RepoURL("demo"), Credentials: backend.Credentials{Username: user, Password: "wrong-password-42"}},
			backend.ErrAuthentication, "check the username and password"},
		{"no credentials", Endpoint{URL: srv.RepoURL("demo")}, backend.ErrAuthentication, "needs credentials"},
		{"password in the URL", Endpoint{URL: strings.Replace(srv.RepoURL("demo"), "http://", "http://porch:wrong-password-42@", 1)},
			backend.ErrAuthentication, ""},
		{"connection refused", Endpoint{URL: "http://127.0.0.1:1/demo.git"}, backend.ErrUnreachable, "check the address"},
		{"not a URL", Endpoint{URL: "http://[::1"}, backend.ErrInvalidAddress, "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ResolveBranch(ctx, tt.ep, "main")
			if !errors.Is(err, tt.wantKind) {
				t.Fatalf("got %v, want %v", err, tt.wantKind)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("message %q lacks %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "wrong-password-42") || strings.Contains(err.Error(), password) {
				t.Fatalf("message leaks a password: %q", err)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	srv := startServer(t, gitserver.Options{BearerToken: "token-abc-123"})
	ctx := testContext(t)
	good := Endpoint{URL: srv.RepoURL("tok"), Credentials: backend.Credentials{BearerToken: "token-abc-123"}}
	if _, err := CreateBranch(ctx, good, "main", DefaultSignature, "x"); err != nil {
		t.Fatalf("CreateBranch with a bearer token: %v", err)
	}
	if _, err := ResolveBranch(ctx, good, "main"); err != nil {
		t.Fatalf("ResolveBranch with a bearer token: %v", err)
	}
	bad := Endpoint{URL: srv.RepoURL("tok"), Credentials: backend.Credentials{BearerToken: "token-wrong-999"}}
	_, err := ResolveBranch(ctx, bad, "main")
	if !errors.Is(err, backend.ErrAuthentication) || strings.Contains(err.Error(), "token-wrong-999") {
		t.Fatalf("wrong token: got %v, want ErrAuthentication without the token", err)
	}
}

func TestSafeURL(t *testing.T) {
	tests := map[string]string{
		"https://user:pass@example.com/r.git": "https://example.com/r.git",
		"https://token@example.com/r.git":     "https://example.com/r.git",
		"https://example.com/r.git":           "https://example.com/r.git",
		"git@example.com:org/r.git":           "git@example.com:org/r.git",
		"http://u:p@[::1":                     "http://[::1",
	}
	for in, want := range tests {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInitialCommitIsDeterministicInShape(t *testing.T) {
	srv := startServer(t, basicAuth)
	ctx := testContext(t)
	ep := Endpoint{URL: srv.RepoURL("shape"), Credentials: backend.Credentials{Username: user, Password: password}}
	h, err := CreateBranch(ctx, ep, "feature/x", Signature{Name: "A", Email: "a@example.com"}, "# shape\n")
	if err != nil {
		t.Fatal(err)
	}
	if h == plumbing.ZeroHash {
		t.Fatal("zero commit hash")
	}
	if got, err := ResolveBranch(ctx, ep, "feature/x"); err != nil || got != h {
		t.Fatalf("nested branch name: %v %v", got, err)
	}
}
