package git

import (
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestCreateDraft(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head, err := r.w.CreateDraft(ctx, DraftSpec{Package: "nested/app", Workspace: "ws1", Files: pkgFiles("1"),
		Task: initTask, Base: r.start})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	if got := r.ref("refs/heads/drafts/nested/app/ws1"); got != head.String() {
		t.Fatalf("draft branch at %q, want %s", got, head)
	}
	if got := r.ref("refs/heads/main"); got != r.start.String() {
		t.Errorf("main moved to %s", got)
	}
	if got := r.parents(head.String()); !slices.Equal(got, []string{r.start.String()}) {
		t.Errorf("parents = %q, want the base", got)
	}
	wantFiles := []string{"README.md", "nested/app/Kptfile", "nested/app/cm.yaml", "nested/app/deploy/sub/x.yaml",
		"other/Kptfile", "other/cm.yaml"}
	if got := r.files(head.String()); !slices.Equal(got, wantFiles) {
		t.Errorf("files = %q, want %q", got, wantFiles)
	}
	if got := r.show(head.String(), "nested/app/deploy/sub/x.yaml"); got != "x: 1\n" {
		t.Errorf("x.yaml = %q", got)
	}
	if got := r.show(head.String(), "other/cm.yaml"); got != "o: 1\n" {
		t.Errorf("another package changed: %q", got)
	}
	wantMsg := "Creating new empty revision\n\n" +
		`kpt:{"package":"nested/app","workspaceName":"ws1","revision":"0","task":{"type":"init","init":{"description":"first"}}}` + "\n"
	if got := r.message(head.String()); got != wantMsg+"\n" { // git log adds a newline
		t.Errorf("message = %q, want %q", got, wantMsg)
	}
	if a := r.annotationOf(head.String()); a.Package != "nested/app" || a.WorkspaceName != "ws1" || a.Revision != "0" ||
		a.Task == nil || a.Task.Init.Description != "first" {
		t.Errorf("annotation = %+v", a)
	}
	// The mirror has the write without a fetch.
	r.wantDiscover(r.m, `nested/app ws=ws1 rev=0 Draft ref=drafts/nested/app/ws1 task=init cm="v: 1\n"`)

	// The branch exists now: a second creation loses the compare-and-swap.
	before := r.refs()
	_, err = r.w.CreateDraft(ctx, DraftSpec{Package: "nested/app", Workspace: "ws1", Files: pkgFiles("2"),
		Task: initTask, Base: r.start})
	r.wantConflict(err, before)

	// A clone into an empty repository: no base, a root commit.
	clone := porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
		Upstream: porchv1alpha1.UpstreamPackage{Git: &porchv1alpha1.GitPackage{Repo: "https://example.com/up.git", Ref: "v1", Directory: "x"}}}}
	root, err := r.w.CreateDraft(ctx, DraftSpec{Package: "solo", Workspace: "ws", Files: pkgFiles("s"), Task: clone})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.parents(root.String()); len(got) != 0 {
		t.Errorf("a draft without base has parents %q", got)
	}
	if got := r.files(root.String()); !slices.Equal(got, []string{"solo/Kptfile", "solo/cm.yaml", "solo/deploy/sub/x.yaml"}) {
		t.Errorf("files = %q", got)
	}
	if got := r.message(root.String()); got[:len("Creating new revision by cloning\n")] != "Creating new revision by cloning\n" {
		t.Errorf("clone message = %q", got)
	}
}

func TestUpdateDraft(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	first := r.draft(r.w, "app", "ws1", "1")

	files := map[string]string{"Kptfile": kptfilePlain, "cm.yaml": "v: 2\n", "new.yaml": "n: 1\n"}
	second, changed, err := r.w.UpdateDraft(ctx, DraftUpdate{Package: "app", Workspace: "ws1", Head: first,
		Files: files, Subject: RenderSubject})
	if err != nil || !changed {
		t.Fatalf("UpdateDraft = %v, %v", changed, err)
	}
	if got := r.ref("refs/heads/drafts/app/ws1"); got != second.String() {
		t.Fatalf("draft at %s, want %s", got, second)
	}
	if got := r.parents(second.String()); !slices.Equal(got, []string{first.String()}) {
		t.Errorf("parents = %q", got)
	}
	want := []string{"README.md", "app/Kptfile", "app/cm.yaml", "app/new.yaml", "other/Kptfile", "other/cm.yaml"}
	if got := r.files(second.String()); !slices.Equal(got, want) {
		t.Errorf("the folder must be replaced whole: files = %q, want %q", got, want)
	}
	wantMsg := RenderSubject + "\n\n" + `kpt:{"package":"app","workspaceName":"ws1","revision":"0"}` + "\n\n"
	if got := r.message(second.String()); got != wantMsg {
		t.Errorf("message = %q, want %q", got, wantMsg)
	}
	// The creating task is still found, further back.
	r.wantDiscover(r.m, `app ws=ws1 rev=0 Draft ref=drafts/app/ws1 task=init cm="v: 2\n"`)

	// The same files again: nothing written.
	before := r.refs()
	same, changed, err := r.w.UpdateDraft(ctx, DraftUpdate{Package: "app", Workspace: "ws1", Head: second, Files: files})
	if err != nil || changed || same != second {
		t.Fatalf("unchanged update = %s, %v, %v; want the head, false", same, changed, err)
	}
	if after := r.refs(); after != before {
		t.Errorf("an unchanged update wrote:\n%s", after)
	}

	// A stale head loses.
	_, _, err = r.w.UpdateDraft(ctx, DraftUpdate{Package: "app", Workspace: "ws1", Head: first, Files: pkgFiles("3")})
	r.wantConflict(err, before)

	// A proposed revision is updated on its own branch.
	if err := r.w.Propose(ctx, "app", "ws1", second); err != nil {
		t.Fatal(err)
	}
	third, changed, err := r.w.UpdateDraft(ctx, DraftUpdate{Package: "app", Workspace: "ws1", Head: second,
		Lifecycle: porchv1alpha1.PackageRevisionLifecycleProposed, Files: pkgFiles("4")})
	if err != nil || !changed || r.ref("refs/heads/proposed/app/ws1") != third.String() {
		t.Fatalf("update of proposed = %v, %v; branch at %s", changed, err, r.ref("refs/heads/proposed/app/ws1"))
	}
	if got := r.message(third.String()); got[:len(intermediateSubject)+1] != intermediateSubject+"\n" {
		t.Errorf("default subject: %q", got)
	}
	r.wantDiscover(r.m, `app ws=ws1 rev=0 Proposed ref=proposed/app/ws1 task=init cm="v: 4\n"`)
}

func TestProposeUnproposeDelete(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head := r.draft(r.w, "app", "ws1", "1")

	if err := r.w.Propose(ctx, "app", "ws1", head); err != nil {
		t.Fatal(err)
	}
	if r.ref("refs/heads/proposed/app/ws1") != head.String() || r.ref("refs/heads/drafts/app/ws1") != "" {
		t.Fatalf("after Propose:\n%s", r.refs())
	}
	r.wantDiscover(r.m, `app ws=ws1 rev=0 Proposed ref=proposed/app/ws1 task=init cm="v: 1\n"`)

	// Proposing again finds no draft where it expects one.
	before := r.refs()
	r.wantConflict(r.w.Propose(ctx, "app", "ws1", head), before)

	if err := r.w.Unpropose(ctx, "app", "ws1", head); err != nil {
		t.Fatal(err)
	}
	if r.ref("refs/heads/drafts/app/ws1") != head.String() || r.ref("refs/heads/proposed/app/ws1") != "" {
		t.Fatalf("after Unpropose:\n%s", r.refs())
	}
	r.wantDiscover(r.m, `app ws=ws1 rev=0 Draft ref=drafts/app/ws1 task=init cm="v: 1\n"`)

	// A stale head deletes nothing.
	before = r.refs()
	r.wantConflict(r.w.DeleteUnpublished(ctx, "app", "ws1", porchv1alpha1.PackageRevisionLifecycleDraft, r.start), before)
	if err := r.w.DeleteUnpublished(ctx, "app", "ws1", porchv1alpha1.PackageRevisionLifecycleDraft, head); err != nil {
		t.Fatal(err)
	}
	if r.ref("refs/heads/drafts/app/ws1") != "" {
		t.Fatalf("draft not deleted:\n%s", r.refs())
	}
	r.wantDiscover(r.m)
}

// TestCompareAndSwapAtTheServer has another writer move a ref after the
// ref advertisement and before the push: the server itself must refuse,
// and refuse every update of the push, not just the one whose ref moved.
func TestCompareAndSwapAtTheServer(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head := r.draft(r.w, "app", "ws1", "1")

	r.race.beforeNextPush(func() { r.git("update-ref", "refs/heads/drafts/app/ws1", r.start.String()) })
	err := r.w.Propose(ctx, "app", "ws1", head)
	if !r.race.ran() {
		t.Fatal("the push never reached the server")
	}
	// The hook's move is the only change: no proposed branch, draft not deleted.
	want := r.refs()
	if r.ref("refs/heads/drafts/app/ws1") != r.start.String() || r.ref("refs/heads/proposed/app/ws1") != "" {
		t.Fatalf("refs after the race:\n%s", want)
	}
	r.wantConflict(err, want)

	// A branch created meanwhile is not overwritten either.
	r.race.beforeNextPush(func() { r.git("update-ref", "refs/heads/drafts/app/ws2", r.start.String()) })
	_, err = r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws2", Files: pkgFiles("2"), Task: initTask, Base: r.start})
	if !r.race.ran() {
		t.Fatal("the push never reached the server")
	}
	r.wantConflict(err, r.refs())
	if r.ref("refs/heads/drafts/app/ws2") != r.start.String() {
		t.Fatalf("the other writer's branch was overwritten:\n%s", r.refs())
	}
	// The refused write left no ref behind in the mirror either.
	for _, ref := range mirrorRefs(t, r.m) {
		if ref.Name() == plumbing.NewBranchReferenceName("drafts/app/ws2") {
			t.Errorf("mirror has %s", ref)
		}
	}
}
