package git

import (
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestRefsHash(t *testing.T) {
	h1 := plumbing.NewHash("1111111111111111111111111111111111111111")
	h2 := plumbing.NewHash("2222222222222222222222222222222222222222")
	base := []*plumbing.Reference{
		plumbing.NewHashReference("refs/heads/main", h1),
		plumbing.NewHashReference("refs/tags/a/v1", h2),
		plumbing.NewHashReference("refs/heads/drafts/a/ws", h2),
	}
	want := RefsHash(base)
	if len(want) != 64 {
		t.Fatalf("not a hex sha256: %q", want)
	}
	reordered := []*plumbing.Reference{base[2], base[0], base[1]}
	if RefsHash(reordered) != want {
		t.Error("hash depends on order")
	}
	noisy := append(slices.Clone(base),
		plumbing.NewHashReference("refs/tags/a/v1^{}", h1),
		plumbing.NewSymbolicReference("HEAD", "refs/heads/main"),
		plumbing.NewHashReference("HEAD", h1),
		plumbing.NewHashReference("refs/remotes/origin/main", h2),
		plumbing.NewSymbolicReference("refs/heads/alias", "refs/heads/main"),
	)
	if RefsHash(noisy) != want {
		t.Error("peeled, symbolic or non-branch refs changed the hash")
	}
	moved := slices.Clone(base)
	moved[1] = plumbing.NewHashReference("refs/tags/a/v1", h1)
	if RefsHash(moved) == want {
		t.Error("moving a tag did not change the hash")
	}
	if RefsHash(base[:2]) == want {
		t.Error("deleting a branch did not change the hash")
	}
	if RefsHash(nil) != RefsHash([]*plumbing.Reference{}) {
		t.Error("nil and empty differ")
	}
}

func TestListRemoteRefs(t *testing.T) {
	r := buildLayoutRepo(t)
	_, ep := mirrorOf(t, r)
	refs, err := ListRemoteRefs(testContext(t), ep)
	if err != nil {
		t.Fatal(err)
	}
	names := refNames(t, refs)
	if !slices.IsSorted(names) || slices.Contains(names, "HEAD") {
		t.Errorf("refs not sorted or HEAD kept: %q", names)
	}
	for _, n := range []string{"refs/heads/main", "refs/tags/a/v1", "refs/heads/drafts/nested/b/My_WS"} {
		if !slices.Contains(names, n) {
			t.Errorf("%s missing from %q", n, names)
		}
	}
	for _, ref := range refs {
		if ref.Name() == "refs/tags/a/v1" && ref.Hash() == r.hashes["A1"] {
			t.Error("an annotated tag must be listed with its tag object, as the mirror stores it")
		}
	}
}
