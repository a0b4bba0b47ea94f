package repository

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// deletionGuard holds a sync's deletions when they look like a mistake
// rather than a wish: Published revisions whose tags are gone, or more of
// the repository's revisions than a threshold. A remote emptied, re-created
// or force-pushed would otherwise take every object mirrored from it, and
// the content users see, with it.
type deletionGuard struct {
	// min revisions may always go; more than percent of the repository's
	// revisions, if that is more, may not.
	min, percent int
	// confirmed is the hash of the deletion the Repository's
	// AllowMassDeletionAnnotation confirms.
	confirmed string
	// revisions is how many revisions of the repository the sync listed.
	revisions int
}

// heldDeletion is a deletion the guard held.
type heldDeletion struct {
	// revisions are the names of the revisions to delete, sorted;
	// published those of them that are Published with a number.
	revisions, published []string
	// hash names the deletion, for the confirmation.
	hash string
}

// check returns the deletion of deletes held; nil when it may go ahead.
func (g deletionGuard) check(deletes []*porchv1alpha1.PackageRevision) *heldDeletion {
	if len(deletes) == 0 {
		return nil
	}
	held := &heldDeletion{}
	for _, pr := range deletes {
		held.revisions = append(held.revisions, pr.Name)
		if pr.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecyclePublished && pr.Spec.Revision > 0 {
			held.published = append(held.published, pr.Name)
		}
	}
	if len(held.published) == 0 && len(deletes) <= g.limit() {
		return nil
	}
	sort.Strings(held.revisions)
	sort.Strings(held.published)
	sum := sha256.Sum256([]byte(strings.Join(held.revisions, "\n")))
	held.hash = hex.EncodeToString(sum[:8])
	if held.hash == g.confirmed {
		return nil
	}
	return held
}

// limit is how many of the repository's revisions a sync may delete
// unconfirmed, Published ones aside.
func (g deletionGuard) limit() int {
	return max(g.min, g.revisions*g.percent/100)
}

// message says what was held, why, and what to do.
func (h *heldDeletion) message(g deletionGuard, repo *configv1alpha1.Repository) string {
	var why string
	switch {
	case len(h.published) > 0:
		why = fmt.Sprintf("%d of them Published, whose tags are gone (%s)", len(h.published), listSome(h.published))
	default:
		why = fmt.Sprintf("more than the %d a sync deletes unconfirmed (--mass-deletion-min %d, --mass-deletion-percent %d)", g.limit(), g.min, g.percent)
	}
	return fmt.Sprintf("the remote no longer holds %d of the %d package revisions mirrored from it, %s; nothing was deleted. "+
		"If the remote is as it should be, confirm this deletion: kubectl annotate repository %s -n %s %s=%s --overwrite. "+
		"Otherwise push the branches and tags back: the next sync finds them",
		len(h.revisions), g.revisions, why, repo.Name, repo.Namespace, configv1alpha1.AllowMassDeletionAnnotation, h.hash)
}

// listSome names the first few of names, and how many more there are.
func listSome(names []string) string {
	const shown = 5
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}
