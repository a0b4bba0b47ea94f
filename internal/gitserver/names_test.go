package gitserver

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"repo", true},
		{"a", true},
		{"0", true},
		{"team/blueprints", true},
		{"a/b/c", true},
		{"Repo_1.v2-x", true},
		{"repo.gitx", true},
		{"", false},
		{"/", false},
		{"/abs", false},
		{"/tmp/evil", false},
		{"trailing/", false},
		{"a//b", false},
		{".", false},
		{"..", false},
		{"../x", false},
		{"a/../b", false},
		{"a/..", false},
		{".hidden", false},
		{".tmp-123", false},
		{"-rf", false},
		{"_x", false},
		{"a b", false},
		{`a\b`, false},
		{`..\x`, false},
		{"a:b", false},
		{"a\x00b", false},
		{"a\nb", false},
		{"ä", false},
		{"x.git", false},
		{"team.git/x", false},
		{strings.Repeat("a", maxNameLength+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateName(tt.name)
			if tt.ok && err != nil {
				t.Fatalf("validateName(%q) = %v, want nil", tt.name, err)
			}
			if !tt.ok && !errors.Is(err, errBadName) {
				t.Fatalf("validateName(%q) = %v, want errBadName", tt.name, err)
			}
		})
	}
}

func TestSplitRequestPath(t *testing.T) {
	tests := []struct {
		path         string
		wantName     string
		wantEndpoint string
		wantGit      bool
		wantErr      bool
	}{
		{"/x/info/refs", "x", "/info/refs", true, false},
		{"/x.git/info/refs", "x", "/info/refs", true, false},
		{"/team/blueprints.git/git-upload-pack", "team/blueprints", "/git-upload-pack", true, false},
		{"/team/blueprints/git-receive-pack", "team/blueprints", "/git-receive-pack", true, false},
		{"/", "", "", false, false},
		{"", "", "", false, false},
		{"/x.git", "", "", false, false},
		{"/x.git/", "", "", false, false},
		{"/x.git/HEAD", "", "", false, false},
		{"/x.git/objects/info/packs", "", "", false, false},
		{"/x.git/info/refs/", "", "", false, false},
		{"x/info/refs", "", "", false, false},
		{"/info/refs", "", "", true, true},
		{"/.git/info/refs", "", "", true, true},
		{"/../x.git/info/refs", "", "", true, true},
		{"/x/../../y/info/refs", "", "", true, true},
		{"//etc/info/refs", "", "", true, true},
		{"/x.git.git/info/refs", "", "", true, true},
		{"/team.git/x/info/refs", "", "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			name, endpoint, isGit, err := splitRequestPath(tt.path)
			if (err != nil) != tt.wantErr || isGit != tt.wantGit {
				t.Fatalf("splitRequestPath(%q) = git %v, err %v; want git %v, err %v",
					tt.path, isGit, err, tt.wantGit, tt.wantErr)
			}
			if name != tt.wantName || endpoint != tt.wantEndpoint {
				t.Fatalf("splitRequestPath(%q) = (%q, %q), want (%q, %q)",
					tt.path, name, endpoint, tt.wantName, tt.wantEndpoint)
			}
		})
	}
}

func TestRepoDirStaysInRoot(t *testing.T) {
	root := t.TempDir()
	got, err := repoDir(root, "team/x")
	if err != nil || got != filepath.Join(root, "team", "x.git") {
		t.Fatalf("repoDir = %q, %v", got, err)
	}
	// repoDir is the last line of defence, so it must refuse traversal even
	// for input that bypassed validateName.
	for _, name := range []string{"../x", "a/../../x", "/../../x"} {
		if got, err := repoDir(root, name); err == nil {
			t.Errorf("repoDir(%q) = %q, want error", name, got)
		}
	}
}
