package git

import (
	"testing"
	"time"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// The attack: the sync fetched a draft's branch and means to create its
// object; meanwhile the authoring controller deletes the draft, its branch
// and then its object. A create made after the object went, from the
// branch as fetched before, would bring back a revision git no longer
// holds. Under the guard, the create either comes first (and then finds
// the object still there) or sees the branch gone.
func TestRefGuardOrdersCreatesAgainstRemovals(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head, err := r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws1", Files: pkgFiles("1"), Task: initTask, Base: r.start})
	if err != nil {
		t.Fatal(err)
	}
	const ref = "drafts/app/ws1"

	// As fetched, the branch holds.
	holds, release, err := r.m.HoldRef(ref, head.String())
	if err != nil || !holds {
		t.Fatalf("HoldRef of the fetched branch = %v, %v; want it to hold", holds, err)
	}
	// A removal waits for the create in progress.
	removing := make(chan func())
	go func() { removing <- r.m.HoldForRemoval() }()
	select {
	case <-removing:
		t.Fatal("a removal went ahead while a create held the ref")
	case <-time.After(100 * time.Millisecond):
	}
	release()
	releaseRemoval := <-removing

	// A create waits for the removal in progress: its deletion of the
	// branch, then of the object.
	decided := make(chan bool)
	go func() {
		holds, release, err := r.m.HoldRef(ref, head.String())
		defer release()
		if err != nil {
			t.Error(err)
		}
		decided <- holds
	}()
	if err := r.w.DeleteUnpublished(ctx, "app", "ws1", porchv1alpha1.PackageRevisionLifecycleDraft, head); err != nil {
		t.Fatal(err)
	}
	select {
	case <-decided:
		t.Fatal("a create decided while a removal was in progress")
	case <-time.After(100 * time.Millisecond):
	}
	releaseRemoval()
	if <-decided {
		t.Fatal("a create from the branch as fetched went ahead after the branch was deleted")
	}
}

// HoldRef tells a branch moved since the fetch, and a tag still there.
func TestHoldRefComparesBranchesAndFindsTags(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head, err := r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws1", Files: pkgFiles("1"), Task: initTask, Base: r.start})
	if err != nil {
		t.Fatal(err)
	}
	moved, _, err := r.w.UpdateDraft(ctx, DraftUpdate{Package: "app", Workspace: "ws1", Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
		Head: head, Files: pkgFiles("2"), Subject: PatchSubject})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref, commit string
		want        bool
	}{
		{"drafts/app/ws1", head.String(), false},
		{"drafts/app/ws1", moved.String(), true},
		{"drafts/app/other", moved.String(), false},
		{"main", r.start.String(), true},
		{"main", moved.String(), true}, // the placeholder's commit is not the branch head
		{"other", r.start.String(), false},
	} {
		holds, release, err := r.m.HoldRef(tc.ref, tc.commit)
		release()
		if err != nil || holds != tc.want {
			t.Errorf("HoldRef(%s, %.7s) = %v, %v; want %v", tc.ref, tc.commit, holds, err, tc.want)
		}
	}
	if err := r.w.Propose(ctx, "app", "ws1", moved); err != nil {
		t.Fatal(err)
	}
	published, err := r.w.Publish(ctx, "app", "ws1", moved)
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]bool{"app/v1": true, "app/v2": false} {
		holds, release, err := r.m.HoldRef(ref, published.Commit.String())
		release()
		if err != nil || holds != want {
			t.Errorf("HoldRef(%s) = %v, %v; want %v", ref, holds, err, want)
		}
	}
}
