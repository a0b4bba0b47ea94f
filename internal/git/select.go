package git

import (
	"cmp"
	"fmt"
	"slices"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// lifecycleRank orders the lifecycles for choosing between two refs that
// give the same package and workspace: published beats proposed beats draft.
func lifecycleRank(l porchv1alpha1.PackageRevisionLifecycle) int {
	switch {
	case l.IsPublished():
		return 2
	case l == porchv1alpha1.PackageRevisionLifecycleProposed:
		return 1
	default:
		return 0
	}
}

// better says whether a should be kept over b: the more advanced lifecycle,
// then the higher revision, then, for a stable answer, the smaller ref name.
func better(a, b *PackageRevision) bool {
	if ra, rb := lifecycleRank(a.Lifecycle), lifecycleRank(b.Lifecycle); ra != rb {
		return ra > rb
	}
	if a.Revision != b.Revision {
		return a.Revision > b.Revision
	}
	return a.Ref < b.Ref
}

// result keeps one revision per package and workspace, since that pair is
// a revision's identity, and sorts everything.
func (d *discoverer) result() *Discovery {
	type identity struct{ pkg, ws string }
	kept := map[identity]*PackageRevision{}
	for _, rev := range d.revisions {
		id := identity{rev.Package, rev.WorkspaceName}
		prev, seen := kept[id]
		if !seen {
			kept[id] = rev
			continue
		}
		winner, loser := prev, rev
		if better(rev, prev) {
			winner, loser = rev, prev
		}
		kept[id] = winner
		d.skipped = append(d.skipped, fmt.Sprintf("ref %q: package %q workspace %q is already read from ref %q",
			loser.Ref, loser.Path, loser.WorkspaceName, winner.Ref))
	}
	out := &Discovery{BranchCommit: d.branchCommit, Revisions: make([]PackageRevision, 0, len(kept))}
	for _, rev := range kept {
		out.Revisions = append(out.Revisions, *rev)
	}
	slices.SortFunc(out.Revisions, func(a, b PackageRevision) int {
		return cmp.Or(cmp.Compare(a.Package, b.Package), cmp.Compare(a.Revision, b.Revision),
			cmp.Compare(a.WorkspaceName, b.WorkspaceName))
	})
	slices.Sort(d.skipped)
	out.Skipped = slices.Compact(d.skipped)
	return out
}
