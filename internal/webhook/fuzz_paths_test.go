package webhook

import (
	"path"
	"strings"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
)

// FuzzPathProblem checks what admission lets through as a file name: it
// stays inside the package, out of .git, within the length limits, and
// git writes take it, so that an accepted edit is never refused at commit.
func FuzzPathProblem(f *testing.F) {
	for _, seed := range []string{"Kptfile", "deploy/app.yaml", ".hidden", "a/.gitignore", "..data", "", "/abs", "../x",
		"a/../b", "a//b", "./a", ".git/config", "a/.GIT/x", `a\b`, "a\x00b", "a/", strings.Repeat("x", 256),
		strings.Repeat("abcdefg/", 512), "é/ü.yaml", "a/\u2028/b", "..", "."} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if pathProblem(p) != "" {
			return
		}
		joined := path.Join("/pkg", p)
		if !strings.HasPrefix(joined, "/pkg/") || path.Clean(p) != p {
			t.Fatalf("accepted %q, which leaves the package or is not clean (%s)", p, joined)
		}
		if len(p) > porchv1alpha1.MaxFilePathBytes {
			t.Fatalf("accepted a path of %d bytes", len(p))
		}
		for _, seg := range strings.Split(p, "/") {
			if len(seg) > porchv1alpha1.MaxFileNameSegmentBytes || strings.EqualFold(seg, ".git") {
				t.Fatalf("accepted %q, with the segment %q", p, seg)
			}
		}
		if err := git.CheckFilePath(p); err != nil {
			t.Fatalf("admission accepts %q, which a git write refuses: %v", p, err)
		}
	})
}
