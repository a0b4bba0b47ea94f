package repository

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

const planOwner = types.UID("repo-uid")

// rev is a revision named name; opts shape it: "owned" by the Repository,
// "pending" (a user's spec change not yet observed), "unfinished" (made
// by the sync, which failed to write its status), "published" as
// revision 1.
func rev(name string, opts ...string) *porchv1alpha1.PackageRevision {
	pr := &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 1},
		Status: porchv1alpha1.PackageRevisionStatus{ObservedGeneration: 1}}
	for _, opt := range opts {
		switch opt {
		case "owned":
			pr.OwnerReferences = []metav1.OwnerReference{{UID: planOwner}}
		case "pending":
			pr.Generation = 2
		case "unfinished":
			pr.Spec.RepositoryName, pr.Labels = "repo", map[string]string{porchv1alpha1.RepositoryLabel: "repo"}
			pr.Status.ObservedGeneration = 0
		case "published":
			pr.Spec.Lifecycle, pr.Spec.Revision = porchv1alpha1.PackageRevisionLifecyclePublished, 1
		}
	}
	return pr
}

func names(revs []*porchv1alpha1.PackageRevision) []string {
	var out []string
	for _, pr := range revs {
		out = append(out, pr.Name)
	}
	return out
}

func TestPlanKind(t *testing.T) {
	for _, tc := range []struct {
		name             string
		existing, want   []*porchv1alpha1.PackageRevision
		settled, moved   []string
		creates, updates []string
		deletes          []string
		pending, foreign []string
		forget           []string
	}{
		{name: "nothing"},
		{name: "new in git is created", want: []*porchv1alpha1.PackageRevision{rev("a")}, creates: []string{"a"}},
		{name: "owned and in git is updated",
			existing: []*porchv1alpha1.PackageRevision{rev("a", "owned")}, want: []*porchv1alpha1.PackageRevision{rev("a")}, updates: []string{"a"}},
		{name: "owned and gone from git is deleted",
			existing: []*porchv1alpha1.PackageRevision{rev("b", "owned"), rev("a", "owned")}, deletes: []string{"a", "b"}, forget: []string{"a", "b"}},
		{name: "someone else's is neither updated nor deleted",
			existing: []*porchv1alpha1.PackageRevision{rev("a"), rev("b")}, want: []*porchv1alpha1.PackageRevision{rev("a")},
			foreign: []string{"a"}, forget: []string{"a", "b"}},
		{name: "a pending user change is left to the authoring controller, in git or not",
			existing: []*porchv1alpha1.PackageRevision{rev("a", "owned", "pending"), rev("b", "owned", "pending")}, want: []*porchv1alpha1.PackageRevision{rev("a")},
			pending: []string{"a"}, forget: []string{"a", "b"}},
		{name: "a revision the sync made and never observed is the sync's to finish",
			existing: []*porchv1alpha1.PackageRevision{rev("a", "owned", "unfinished"), rev("b", "owned", "unfinished")}, want: []*porchv1alpha1.PackageRevision{rev("a")},
			updates: []string{"a"}, deletes: []string{"b"}, forget: []string{"b"}},
		{name: "settled and moved are left as they are",
			existing: []*porchv1alpha1.PackageRevision{rev("a", "owned"), rev("b", "owned")}, want: []*porchv1alpha1.PackageRevision{rev("a"), rev("b"), rev("c")},
			settled: []string{"a"}, moved: []string{"b", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := planView{owner: planOwner, settled: map[memoKey]bool{}, moved: map[memoKey]bool{}}
			for _, n := range tc.settled {
				v.settled[memoKey{revisionKind.name, n}] = true
			}
			for _, n := range tc.moved {
				v.moved[memoKey{revisionKind.name, n}] = true
			}
			p := planKind(revisionKind, v, tc.existing, tc.want)
			var updates, forget []string
			for _, u := range p.updates {
				updates = append(updates, u.have.Name)
			}
			for _, k := range p.forget {
				forget = append(forget, k.name)
			}
			for what, pair := range map[string][2][]string{
				"creates": {names(p.creates), tc.creates}, "updates": {updates, tc.updates}, "deletes": {names(p.deletes), tc.deletes},
				"pending": {names(p.pending), tc.pending}, "foreign": {names(p.foreign), tc.foreign}, "forget": {forget, tc.forget},
			} {
				if !slices.Equal(pair[0], pair[1]) {
					t.Errorf("%s = %v, want %v", what, pair[0], pair[1])
				}
			}
		})
	}
}

func TestDeletionGuard(t *testing.T) {
	existing := func(n int, published ...string) []*porchv1alpha1.PackageRevision {
		var out []*porchv1alpha1.PackageRevision
		for i := range n {
			out = append(out, rev(string(rune('a'+i)), "owned"))
		}
		for _, name := range published {
			out = append(out, rev(name, "owned", "published"))
		}
		return out
	}
	guard := deletionGuard{min: 5, percent: 10}
	for _, tc := range []struct {
		name      string
		existing  []*porchv1alpha1.PackageRevision
		deletes   int // the first ones of existing
		confirmed bool
		held      bool
	}{
		{name: "no deletion", existing: existing(20)},
		{name: "up to the minimum goes", existing: existing(20), deletes: 5},
		{name: "over the minimum, under the share, goes", existing: existing(100), deletes: 10},
		{name: "over both is held", existing: existing(20), deletes: 6, held: true},
		{name: "over the share of a large repository is held", existing: existing(100), deletes: 11, held: true},
		{name: "a Published revision is held however few", existing: append(existing(0, "p.v1"), existing(9)...), deletes: 1, held: true},
		{name: "a confirmed deletion goes", existing: existing(20), deletes: 20, confirmed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := guard
			g.revisions = len(tc.existing)
			deletes := tc.existing[:tc.deletes]
			if tc.confirmed {
				g.confirmed = g.check(deletes).hash
			}
			held := g.check(deletes)
			if (held != nil) != tc.held {
				t.Fatalf("held = %+v, want held %v", held, tc.held)
			}
		})
	}

	// The confirmation names one deletion: another is held again.
	all := existing(20)
	first := deletionGuard{min: 5, percent: 10, revisions: 20}.check(all[:10])
	other := deletionGuard{min: 5, percent: 10, revisions: 20, confirmed: first.hash}.check(all[:11])
	if other == nil || other.hash == first.hash {
		t.Fatalf("a confirmation of deleting 10 let 11 go: %+v", other)
	}
}
