package git

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
)

func TestReadPackage(t *testing.T) {
	r := buildLayoutRepo(t)
	_, ep := serve(t, r, "upstream")
	ctx := testContext(t)

	tests := []struct {
		name, ref, dir string
		wantCommit     string // label
		wantFiles      map[string]string
	}{
		{"a branch", "main", "a", "M", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 3\n"}},
		{"a branch by its full name", "refs/heads/feature", "/a/", "M", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 3\n"}},
		{"an annotated tag", "a/v1", "a", "A1", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 1\n"}},
		{"a lightweight tag", "a/v2", "a", "A2", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 2\n"}},
		{"a commit a tag points at", r.hashes["A3"].String(), "a", "A3", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 3\n"}},
		{"a commit no ref points at", r.hashes["D1"].String(), "a", "D1", map[string]string{"Kptfile": kptfileA, "cm.yaml": "v: 1\n"}},
		{"a nested folder, subfolders included", "main", "/nested/b", "M", map[string]string{"Kptfile": kptfilePlain, "deploy/svc.yaml": "kind: Service\n"}},
		{"a draft branch", "drafts/nested/b/My_WS", "nested/b", "DB", map[string]string{"Kptfile": kptfilePlain, "deploy/svc.yaml": "kind: Service\nspec: {}\n"}},
		{"symlinks and submodules are left out", "main", "links", "M", map[string]string{"Kptfile": kptfilePlain}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, commit, err := ReadPackage(ctx, ep, tt.ref, tt.dir, ReadOptions{TempDir: t.TempDir(), MaxFetchBytes: 1 << 20, MaxPackageBytes: maxBytesInTest})
			if err != nil {
				t.Fatalf("ReadPackage: %v", err)
			}
			if got := r.labels[commit]; got != tt.wantCommit {
				t.Errorf("commit = %s (%s), want %s", commit, got, tt.wantCommit)
			}
			if !maps.Equal(files, tt.wantFiles) {
				t.Errorf("files = %q, want %q", slices.Sorted(maps.Keys(files)), slices.Sorted(maps.Keys(tt.wantFiles)))
			}
		})
	}
}

func TestReadPackageFailures(t *testing.T) {
	r := buildLayoutRepo(t)
	srv, ep := serve(t, r, "upstream")
	ctx := testContext(t)
	creds := ep.Credentials
	// The address as a user may write it, credentials included: messages
	// name it without them.
	withUser := Endpoint{URL: strings.Replace(ep.URL, "http://", "http://"+user+":"+password+"@", 1), Credentials: creds}

	tests := []struct {
		name     string
		ep       Endpoint
		ref, dir string
		maxBytes int64
		want     error
		mention  []string
	}{
		{"an unknown branch", withUser, "nope", "a", 0, backend.ErrRefNotFound, []string{`"nope"`, ep.URL}},
		{"an unknown commit", ep, strings.Repeat("0123456789", 4), "a", 0, backend.ErrRefNotFound, []string{strings.Repeat("0123456789", 4)}},
		{"an abbreviated commit", ep, r.hashes["A3"].String()[:12], "a", 0, backend.ErrRefNotFound, []string{"not a full commit hash"}},
		{"a missing folder", withUser, "main", "nowhere/pkg", 0, backend.ErrPackageNotFound, []string{`"/nowhere/pkg"`, "main", ep.URL}},
		{"a folder at another ref only", ep, "a/v1", "nested/b", 0, backend.ErrPackageNotFound, []string{`"/nested/b"`, "a/v1"}},
		{"a folder without a Kptfile", ep, "main", "notpkg", 0, backend.ErrPackageNotFound, []string{`"/notpkg"`, "no Kptfile"}},
		{"the root, which is no package", ep, "main", "/", 0, backend.ErrPackageNotFound, []string{`"/"`, "no Kptfile"}},
		{"a file, not a folder", ep, "main", "README.md", 0, backend.ErrPackageNotFound, []string{`"/README.md"`}},
		{"a directory climbing out", ep, "main", "a/../../etc", 0, backend.ErrInvalidPackage, []string{"a/../../etc"}},
		{"content over the limit", ep, "main", "big", maxBytesInTest, backend.ErrInvalidPackage, []string{`"/big"`, "over the limit of 1000"}},
		{"a wrong password", Endpoint{URL: ep.URL, Credentials: backend.Credentials{Username: user, Password: "wrong-password-7"}}, "main", "a", 0,
			backend.ErrAuthentication, []string{ep.URL, "check the username and password"}},
		{"no credentials", Endpoint{URL: ep.URL}, "main", "a", 0, backend.ErrAuthentication, []string{ep.URL, "needs credentials"}},
		{"no server there", Endpoint{URL: "http://127.0.0.1:1/x.git", Credentials: creds}, "main", "a", 0, backend.ErrUnreachable, []string{"127.0.0.1:1"}},
		{"an empty repository", Endpoint{URL: srv.RepoURL("empty"), Credentials: creds}, "main", "a", 0, backend.ErrRefNotFound, []string{`"main"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, commit, err := ReadPackage(ctx, tt.ep, tt.ref, tt.dir, ReadOptions{TempDir: t.TempDir(), MaxPackageBytes: tt.maxBytes})
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadPackage = %d files, %q, %v; want an error wrapping %v", len(files), commit, err, tt.want)
			}
			for _, s := range tt.mention {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not mention %q", err, s)
				}
			}
			for _, secret := range []string{password, "wrong-password-7"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("message %q leaks a password", err)
				}
			}
		})
	}
}
