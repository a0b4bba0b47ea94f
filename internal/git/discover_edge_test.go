package git

import (
	"fmt"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Trees written by a hostile client can hold names git itself never
// writes; reading them must not place anything outside the package.
func TestDiscoverLeavesOutUnsafeNames(t *testing.T) {
	f := newFixture(t)
	blob := f.blob("evil\n")
	kptfile := f.blob(kptfilePlain)
	inner := f.rawTree([]object.TreeEntry{{Name: "x", Mode: filemode.Regular, Hash: blob}})
	pkg := f.rawTree([]object.TreeEntry{
		{Name: "Kptfile", Mode: filemode.Regular, Hash: kptfile},
		{Name: "..", Mode: filemode.Dir, Hash: inner},
		{Name: ".git", Mode: filemode.Dir, Hash: inner},
		{Name: "ok", Mode: filemode.Dir, Hash: inner},
		{Name: "a/b", Mode: filemode.Regular, Hash: blob},
	})
	root := f.rawTree([]object.TreeEntry{{Name: "p", Mode: filemode.Dir, Hash: pkg}})
	refs := []*plumbing.Reference{plumbing.NewHashReference("refs/heads/main", f.commitTree(root, "hostile\n"))}

	d, _, err := discover(f.st, refs, DiscoverOptions{Branch: "main"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Revisions) != 1 {
		t.Fatalf("revisions = %+v", d.Revisions)
	}
	var names []string
	for name := range d.Revisions[0].Files {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Kptfile", "ok/x"}) {
		t.Errorf("files = %q", names)
	}
	want := []string{
		`branch "main": package "p": left out ".."` + ", a name unsafe to write to disk",
		`branch "main": package "p": left out ".git"` + ", a name unsafe to write to disk",
		`branch "main": package "p": left out "a/b"` + ", a name unsafe to write to disk",
	}
	if diff := cmpLines(d.Skipped, want); diff != "" {
		t.Errorf("skipped:\n%s", diff)
	}
}

// Refs that lead nowhere useful are reported, and refs competing for the
// same package and workspace leave one winner.
func TestDiscoverOddRefs(t *testing.T) {
	f := newFixture(t)
	c := f.commit(files("p/Kptfile", kptfilePlain), "init\n")
	tree := f.tree(files("p/Kptfile", kptfilePlain))
	tagOfTree, err := store(f.st, &object.Tag{Name: "p/v1", Tagger: object.Signature{Name: "T"}, Message: "m\n",
		TargetType: plumbing.TreeObject, Target: tree})
	if err != nil {
		t.Fatal(err)
	}
	inner := f.annotatedTag("inner", c)
	outer, err := store(f.st, &object.Tag{Name: "p/v3", Tagger: object.Signature{Name: "T"}, Message: "m\n",
		TargetType: plumbing.TagObject, Target: inner})
	if err != nil {
		t.Fatal(err)
	}
	ref := plumbing.NewHashReference
	refs := []*plumbing.Reference{
		ref("refs/heads/main", c),
		ref("refs/tags/p/v1", tagOfTree),
		ref("refs/tags/p/v2", c),
		ref("refs/tags/p/V2", c),
		ref("refs/tags/p/v3", outer),
		ref("refs/heads/deletionProposed/p/v1", c),
		ref("refs/heads/deletionProposed/p/old", c),
		ref("refs/heads/drafts/p/ws", c),
		ref("refs/heads/proposed/p/ws", c),
		ref("refs/heads/Feature", c),
	}
	d, _, err := discover(f.st, refs, DiscoverOptions{Branch: "main"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rev := range d.Revisions {
		got = append(got, fmt.Sprintf("%s %s %d %s", rev.Ref, rev.WorkspaceName, rev.Revision, rev.Lifecycle))
	}
	want := []string{
		"main main -1 Published",
		"proposed/p/ws ws 0 Proposed",
		"p/v2 v2 2 Published",
		"p/v3 v3 3 Published",
	}
	if diff := cmpLines(got, want); diff != "" {
		t.Errorf("revisions:\n%s", diff)
	}
	wantSkipped := []string{
		`branch "deletionProposed/p/old": "old" does not name a published revision v<N>`,
		`ref "drafts/p/ws": package "p" workspace "ws" is already read from ref "proposed/p/ws"`,
		`ref "p/V2": package "p" workspace "v2" is already read from ref "p/v2"`,
		fmt.Sprintf(`tag "p/v1": object %s is a tree and does not point at a commit`, tree),
	}
	if diff := cmpLines(d.Skipped, wantSkipped); diff != "" {
		t.Errorf("skipped:\n%s", diff)
	}
}

func TestBetter(t *testing.T) {
	rev := func(l porchv1alpha1.PackageRevisionLifecycle, n int, ref string) *PackageRevision {
		return &PackageRevision{Lifecycle: l, Revision: n, Ref: ref}
	}
	const (
		draft     = porchv1alpha1.PackageRevisionLifecycleDraft
		proposed  = porchv1alpha1.PackageRevisionLifecycleProposed
		published = porchv1alpha1.PackageRevisionLifecyclePublished
		deletion  = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
	)
	tests := []struct{ a, b *PackageRevision }{
		{rev(published, -1, "z"), rev(proposed, 0, "a")},
		{rev(deletion, 1, "z"), rev(proposed, 0, "a")},
		{rev(proposed, 0, "z"), rev(draft, 0, "a")},
		{rev(published, 2, "z"), rev(deletion, 1, "a")},
		{rev(published, 1, "a"), rev(published, 1, "b")},
	}
	for i, tt := range tests {
		if !better(tt.a, tt.b) || better(tt.b, tt.a) {
			t.Errorf("case %d: %+v must beat %+v", i, tt.a, tt.b)
		}
	}
}
