package git

import (
	"testing"
)

// The attack: delete the highest published revision, then approve
// another. Its number must be the next one, never the deleted one, with
// the writer that deleted it, with a mirror made afresh from git (a
// reinstall), and with a writer whose mirror predates the other's publish.
func TestRevisionNumbersAreNeverReused(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	publish := func(w *Writer, ws, v string) Published {
		t.Helper()
		pub, err := w.Publish(ctx, "app", ws, r.proposed(w, "app", ws, v))
		if err != nil {
			t.Fatalf("Publish %s: %v", ws, err)
		}
		return pub
	}
	if got := publish(r.w, "ws1", "1").Revision; got != 1 {
		t.Fatalf("first revision = %d, want 1", got)
	}
	second := publish(r.w, "ws2", "2")
	if second.Revision != 2 || r.ref("refs/porch/revisions/app") != second.Commit.String() {
		t.Fatalf("second revision = %+v; the mark is at %q, want its approval commit", second, r.ref("refs/porch/revisions/app"))
	}
	// This writer proposes now and publishes last, from a mirror that
	// has seen none of what follows.
	_, staleWriter := r.newWriter()
	late := r.proposed(staleWriter, "app", "ws5", "5")

	if deleted, err := r.w.DeletePublished(ctx, "app", 2); err != nil || !deleted {
		t.Fatalf("DeletePublished 2 = %v, %v", deleted, err)
	}
	if r.ref("refs/tags/app/v2") != "" || r.ref("refs/porch/revisions/app") != second.Commit.String() {
		t.Fatalf("after deleting v2, refs:\n%s", r.refs())
	}
	if got := publish(r.w, "ws3", "3"); got.Revision != 3 || r.ref("refs/tags/app/v3") != got.Commit.String() ||
		r.ref("refs/porch/revisions/app") != got.Commit.String() {
		t.Fatalf("after deleting v2, the next revision = %+v; refs:\n%s", got, r.refs())
	}

	// A fresh mirror, as a reinstall makes, continues from the mark.
	if _, err := r.w.DeletePublished(ctx, "app", 3); err != nil {
		t.Fatal(err)
	}
	_, fresh := r.newWriter()
	if got := publish(fresh, "ws4", "4").Revision; got != 4 {
		t.Fatalf("a writer on a fresh mirror gave revision %d after v3 was deleted, want 4", got)
	}
	// A writer whose mirror predates all of that loses the race for the
	// mark, fetches, and takes the next number.
	if pub, err := staleWriter.Publish(ctx, "app", "ws5", late); err != nil || pub.Revision != 5 {
		t.Fatalf("a writer on a stale mirror published %+v, %v; want revision 5", pub, err)
	}
	if err := fresh.m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	r.wantDiscover(fresh.m,
		`app ws=main rev=-1 Published ref=main task=- cm="v: 5\n"`,
		`app ws=ws1 rev=1 Published ref=app/v1 task=init cm="v: 1\n"`,
		`app ws=ws4 rev=4 Published ref=app/v4 task=init cm="v: 4\n"`,
		`app ws=ws5 rev=5 Published ref=app/v5 task=init cm="v: 5\n"`)
}

// A mark that says no number for the package, written by hand, counts
// for nothing: the tags give the next number.
func TestRevisionMarkWithoutNumberIsIgnored(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	r.git("update-ref", "refs/porch/revisions/app", r.start.String())
	_, w := r.newWriter()
	pub, err := w.Publish(ctx, "app", "ws1", r.proposed(w, "app", "ws1", "1"))
	if err != nil || pub.Revision != 1 {
		t.Fatalf("Publish = %+v, %v; want revision 1", pub, err)
	}
	if r.ref("refs/porch/revisions/app") != pub.Commit.String() {
		t.Errorf("the mark was not moved to the approval commit:\n%s", r.refs())
	}
}
