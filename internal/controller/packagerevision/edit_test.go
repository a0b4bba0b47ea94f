package packagerevision

import (
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

// Admission reads a cache: an edit and a lifecycle change made a moment
// apart may both be admitted, in either order. Where the revision stands in
// git decides what becomes of the edit, and an acknowledged edit is never
// dropped.
func TestEditTarget(t *testing.T) {
	draft, proposed := "d0", "e0"
	const (
		Draft     = porchv1alpha1.PackageRevisionLifecycleDraft
		Proposed  = porchv1alpha1.PackageRevisionLifecycleProposed
		Published = porchv1alpha1.PackageRevisionLifecyclePublished
	)
	for _, tc := range []struct {
		name      string
		state     backend.RevisionState
		spec      porchv1alpha1.PackageRevisionLifecycle
		lifecycle porchv1alpha1.PackageRevisionLifecycle
		head      string
		action    editAction
	}{
		{name: "a draft's edit is committed to it", state: backend.RevisionState{Draft: draft}, spec: Draft, lifecycle: Draft, head: draft, action: editCommitted},
		{name: "an edit before a proposal not yet carried out is committed first", state: backend.RevisionState{Draft: draft}, spec: Proposed, lifecycle: Draft, head: draft, action: editCommitted},
		{name: "an edit before an approval not yet carried out is committed first", state: backend.RevisionState{Draft: draft}, spec: Published, lifecycle: Draft, head: draft, action: editCommitted},
		{name: "an edit after a rejection not yet carried out waits for it", state: backend.RevisionState{Proposed: proposed}, spec: Draft, action: editWaits},
		{name: "an edit admitted as of a Draft that lands after its proposal goes to the proposal", state: backend.RevisionState{Proposed: proposed}, spec: Proposed, lifecycle: Proposed, head: proposed, action: editCommitted},
		{name: "a published revision's resources change by the sync alone", state: backend.RevisionState{Revision: 2, Published: draft}, spec: Published, action: editAcknowledged},
		{name: "a Draft with no branch has nowhere to commit", spec: Draft, action: editRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lifecycle, head, action := editTarget(tc.state, tc.spec)
			if lifecycle != tc.lifecycle || head != tc.head || action != tc.action {
				t.Errorf("editTarget = %q, %s, %d; want %q, %s, %d", lifecycle, head, action, tc.lifecycle, tc.head, tc.action)
			}
		})
	}
}
