package git

import "testing"

// State reads where a workspace stands through its lifecycle: draft,
// proposed, published with its number, proposed for deletion.
func TestState(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head := r.proposed(r.w, "nested/app", "ws1", "1")
	st, err := r.w.State("nested/app", "ws1")
	if err != nil || st.Proposed != head || !st.Draft.IsZero() || st.Revision != 0 || st.Head() != head {
		t.Fatalf("proposed: %+v, %v", st, err)
	}
	pub, err := r.w.Publish(ctx, "nested/app", "ws1", head)
	if err != nil {
		t.Fatal(err)
	}
	st, err = r.w.State("nested/app", "ws1")
	if err != nil || st.Revision != 1 || st.Published != pub.Commit || !st.Proposed.IsZero() || !st.OnBranch || st.Branch != pub.Commit {
		t.Fatalf("published: %+v, %v", st, err)
	}
	if err := r.w.ProposeDeletion(ctx, "nested/app", 1); err != nil {
		t.Fatal(err)
	}
	if st, err = r.w.State("nested/app", "ws1"); err != nil || !st.DeletionProposed {
		t.Fatalf("proposed for deletion: %+v, %v", st, err)
	}
	if st, err = r.w.State("nested/app", "other"); err != nil || st.Revision != 0 || !st.Head().IsZero() {
		t.Fatalf("another workspace: %+v, %v", st, err)
	}
}
