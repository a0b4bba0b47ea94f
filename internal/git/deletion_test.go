package git

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

func TestDeletePublished(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	pub, err := r.w.Publish(ctx, "nested/app", "ws1", r.proposed(r.w, "nested/app", "ws1", "1"))
	if err != nil {
		t.Fatal(err)
	}
	const mainLine = `nested/app ws=main rev=-1 Published ref=main task=- cm="v: 1\n"`

	if err := r.w.ProposeDeletion(ctx, "nested/app", 1); err != nil {
		t.Fatal(err)
	}
	if got := r.ref("refs/heads/deletionProposed/nested/app/v1"); got != pub.Commit.String() {
		t.Fatalf("deletionProposed branch at %q, want the tag's commit %s", got, pub.Commit)
	}
	r.wantDiscover(r.m, mainLine, `nested/app ws=ws1 rev=1 DeletionProposed ref=nested/app/v1 task=init cm="v: 1\n"`)
	before := r.refs()
	r.wantConflict(r.w.ProposeDeletion(ctx, "nested/app", 1), before)
	r.wantConflict(r.w.ProposeDeletion(ctx, "nested/app", 2), before) // no such tag

	if done, err := r.w.CancelDeletion(ctx, "nested/app", 1); err != nil || !done {
		t.Fatalf("CancelDeletion = %v, %v", done, err)
	}
	if r.ref("refs/heads/deletionProposed/nested/app/v1") != "" {
		t.Fatalf("branch left:\n%s", r.refs())
	}
	r.wantDiscover(r.m, mainLine, `nested/app ws=ws1 rev=1 Published ref=nested/app/v1 task=init cm="v: 1\n"`)
	if done, err := r.w.CancelDeletion(ctx, "nested/app", 1); err != nil || done {
		t.Fatalf("CancelDeletion without a branch = %v, %v; want false", done, err)
	}

	if err := r.w.ProposeDeletion(ctx, "nested/app", 1); err != nil {
		t.Fatal(err)
	}
	if done, err := r.w.DeletePublished(ctx, "nested/app", 1); err != nil || !done {
		t.Fatalf("DeletePublished = %v, %v", done, err)
	}
	if strings.Contains(r.refs(), "nested/app/v1") {
		t.Fatalf("refs left:\n%s", r.refs())
	}
	r.wantDiscover(r.m, mainLine)
	if done, err := r.w.DeletePublished(ctx, "nested/app", 1); err != nil || done {
		t.Fatalf("DeletePublished again = %v, %v; want false", done, err)
	}
}

func TestDeletePackage(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	if _, err := r.w.Publish(ctx, "nested/app", "ws1", r.proposed(r.w, "nested/app", "ws1", "1")); err != nil {
		t.Fatal(err)
	}
	head := r.ref("refs/heads/main")

	commit, done, err := r.w.DeletePackage(ctx, "nested/app")
	if err != nil || !done {
		t.Fatalf("DeletePackage = %v, %v", done, err)
	}
	if r.ref("refs/heads/main") != commit.String() || r.ref("refs/tags/nested/app/v1") == "" {
		t.Fatalf("refs:\n%s", r.refs())
	}
	if got := r.parents(commit.String()); !slices.Equal(got, []string{head}) {
		t.Errorf("parents = %q", got)
	}
	// The emptied folder "nested" goes too; the other package stays.
	if got := r.files(commit.String()); !slices.Equal(got, []string{"README.md", "other/Kptfile", "other/cm.yaml"}) {
		t.Errorf("files = %q", got)
	}
	if got := r.message(commit.String()); got != "Delete nested/app\n\n" {
		t.Errorf("message = %q", got)
	}
	r.wantDiscover(r.m, `nested/app ws=ws1 rev=1 Published ref=nested/app/v1 task=init cm="v: 1\n"`)

	before := r.refs()
	if _, done, err := r.w.DeletePackage(ctx, "nested/app"); err != nil || done {
		t.Fatalf("DeletePackage of a missing folder = %v, %v; want false", done, err)
	}
	if after := r.refs(); after != before {
		t.Errorf("refs changed:\n%s", after)
	}
}

func TestWriterRefusesInvalidInput(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	head := r.draft(r.w, "app", "ws1", "1")
	before := r.refs()
	refuse := func(name string, err error, mention string) {
		t.Helper()
		if !errors.Is(err, backend.ErrInvalidPackage) || !strings.Contains(err.Error(), mention) {
			t.Errorf("%s: got %v, want ErrInvalidPackage naming %s", name, err, mention)
		}
	}
	for _, p := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "./a", "a/", ".",
		".git/config", "sub/.GIT/hooks/x", "a/..", "x\x00y",
		"deploy/" + strings.Repeat("x", 256), strings.Repeat("abcdefg/", 512) + "z"} {
		files := pkgFiles("bad")
		files[p] = "bad\n"
		_, err := r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws9", Files: files, Task: initTask, Base: r.start})
		refuse("CreateDraft "+strconv.Quote(p), err, strconv.Quote(p))
		_, _, err = r.w.UpdateDraft(ctx, DraftUpdate{Package: "app", Workspace: "ws1", Head: head, Files: files})
		refuse("UpdateDraft "+strconv.Quote(p), err, strconv.Quote(p))
	}
	clash := pkgFiles("bad")
	clash["deploy"] = "a file where a folder is\n"
	_, err := r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws9", Files: clash, Task: initTask, Base: r.start})
	refuse("file and folder", err, `"deploy"`)
	_, err = r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws9", Files: map[string]string{"cm.yaml": ""}, Task: initTask})
	refuse("no Kptfile", err, "Kptfile")
	for _, pkg := range []string{"", "../x", "a//b", "A", "a/.git", "/a"} {
		_, err := r.w.CreateDraft(ctx, DraftSpec{Package: pkg, Workspace: "ws9", Files: pkgFiles("x"), Task: initTask})
		refuse("package "+strconv.Quote(pkg), err, strconv.Quote(pkg))
		_, _, err = r.w.DeletePackage(ctx, pkg)
		refuse("DeletePackage "+strconv.Quote(pkg), err, strconv.Quote(pkg))
	}
	for _, ws := range []string{"", "Bad_WS", "-x", "a..b", "x.lock"} {
		_, err := r.w.Publish(ctx, "app", ws, head)
		refuse("workspace "+strconv.Quote(ws), err, strconv.Quote(ws))
	}
	_, err = r.w.CreateDraft(ctx, DraftSpec{Package: "app", Workspace: "ws9", Files: pkgFiles("x")})
	refuse("no task", err, "task")
	refuse("zero head", r.w.Propose(ctx, "app", "ws1", plumbing.ZeroHash), "drafts/app/ws1")
	refuse("lifecycle", r.w.DeleteUnpublished(ctx, "app", "ws1", porchv1alpha1.PackageRevisionLifecyclePublished, head), "Published")
	refuse("revision 0", r.w.ProposeDeletion(ctx, "app", 0), "0")
	for _, opts := range []WriterOptions{{Branch: ""}, {Branch: "a..b"}, {Branch: "main", Directory: "a/../b"}, {Branch: "main", Directory: ".git"}} {
		if _, err := NewWriter(r.m, opts); !errors.Is(err, backend.ErrInvalidPackage) {
			t.Errorf("NewWriter(%+v) = %v, want ErrInvalidPackage", opts, err)
		}
	}
	if after := r.refs(); after != before {
		t.Errorf("refused writes changed the remote:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
