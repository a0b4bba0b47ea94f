package git

import (
	"path"
	"reflect"
	"strings"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// FuzzCheckFilePath checks that a path a git write takes stays inside the
// package folder, out of git's own files, within the length limits.
func FuzzCheckFilePath(f *testing.F) {
	for _, seed := range []string{"Kptfile", "a/b/c.yaml", "", "/", "../x", "a/..", "a//b", ".git", "sub/.GiT/x",
		"x\x00y", strings.Repeat("y", 255), strings.Repeat("y", 256), strings.Repeat("ab/", 1366)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if checkFilePath(p) != nil {
			return
		}
		if joined := path.Join("/pkg", p); !strings.HasPrefix(joined, "/pkg/") || len(p) > porchv1alpha1.MaxFilePathBytes {
			t.Fatalf("took %q, which leaves the package folder or is too long (%s)", p, joined)
		}
		for _, seg := range strings.Split(p, "/") {
			if unsafeName(seg) || len(seg) > porchv1alpha1.MaxFileNameSegmentBytes {
				t.Fatalf("took %q, with the segment %q", p, seg)
			}
		}
	})
}

// FuzzParseAnnotations reads any commit message without panicking, and
// what it reads is written back by annotate and read again unchanged, so
// that a revision's workspace and task survive the next commit.
func FuzzParseAnnotations(f *testing.F) {
	for _, seed := range []string{
		"",
		"Initial commit",
		"Intermediate commit\n\nkpt:{\"package\":\"app\",\"workspaceName\":\"v1\",\"revision\":\"0\",\"task\":{\"type\":\"init\",\"init\":{\"description\":\"d\"}}}\n",
		"Approve\n\nkpt:{\"package\":\"a/b\",\"workspaceName\":\"ws\",\"revision\":\"v3\"}\n",
		"kpt:{\"task\":{\"type\":\"clone\",\"clone\":{\"upstreamRef\":{\"name\":\"x\"}}}}\nkpt:{\"task\":{\"type\":\"edit\"}}",
		"kpt:{\"task\":{\"type\":\"upgrade\",\"upgrade\":{\"oldUpstreamRef\":{\"name\":\"a\"},\"newUpstreamRef\":{\"name\":\"b\"},\"localPackageRevisionRef\":{\"name\":\"c\"},\"strategy\":\"resource-merge\"}}}",
		"kpt:{\"task\":{\"type\":\"patch\"}}",
		"kpt:not json",
		"  kpt:{\"package\":\"\\u2028\"}  ",
		"kpt:{\"task\":null}",
		"kpt:{\"task\":{\"type\":\"init\",\"init\":null}}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, message string) {
		for _, a := range parseAnnotations(message) {
			written, err := annotate("subject", a)
			if err != nil {
				t.Fatalf("annotate(%+v): %v", a, err)
			}
			again := parseAnnotations(written)
			if len(again) != 1 || !reflect.DeepEqual(again[0], a) {
				t.Fatalf("read %+v from %q, and %+v back from %q", a, message, again, written)
			}
			_ = a.otherRevision(1)
		}
	})
}
