package git

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
)

func TestPublish(t *testing.T) {
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	p1 := r.proposed(r.w, "nested/app", "ws1", "1")

	pub, err := r.w.Publish(ctx, "nested/app", "ws1", p1)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	c1 := pub.Commit.String()
	if pub.Revision != 1 || r.ref("refs/heads/main") != c1 || r.ref("refs/tags/nested/app/v1") != c1 ||
		r.ref("refs/heads/proposed/nested/app/ws1") != "" {
		t.Fatalf("Publish = %+v; refs:\n%s", pub, r.refs())
	}
	if got := r.parents(c1); !slices.Equal(got, []string{r.start.String(), p1.String()}) {
		t.Errorf("parents = %q, want main's head then the proposed head", got)
	}
	want := []string{"README.md", "nested/app/Kptfile", "nested/app/cm.yaml", "nested/app/deploy/sub/x.yaml", "other/Kptfile", "other/cm.yaml"}
	if got := r.files(c1); !slices.Equal(got, want) {
		t.Errorf("files on main = %q", got)
	}
	wantMsg := "Approving package revision nested/app/1\n\n" + `kpt:{"package":"nested/app","workspaceName":"ws1","revision":"1"}` + "\n\n"
	if got := r.message(c1); got != wantMsg {
		t.Errorf("message = %q, want %q", got, wantMsg)
	}
	r.wantDiscover(r.m,
		`nested/app ws=main rev=-1 Published ref=main task=- cm="v: 1\n"`,
		`nested/app ws=ws1 rev=1 Published ref=nested/app/v1 task=init cm="v: 1\n"`)

	// An edit starts from the published commit and becomes revision 2.
	edit := porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
		Source: &porchv1alpha1.PackageRevisionRef{Name: "repo.nested.app.ws1"}}}
	d2, err := r.w.CreateDraft(ctx, DraftSpec{Package: "nested/app", Workspace: "ws2", Files: pkgFiles("2"), Task: edit, Base: pub.Commit})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.w.Propose(ctx, "nested/app", "ws2", d2); err != nil {
		t.Fatal(err)
	}
	// A stale proposed head fails at once, writing nothing.
	before := r.refs()
	_, err = r.w.Publish(ctx, "nested/app", "ws2", p1)
	r.wantConflict(err, before)

	pub2, err := r.w.Publish(ctx, "nested/app", "ws2", d2)
	if err != nil || pub2.Revision != 2 {
		t.Fatalf("second Publish = %+v, %v", pub2, err)
	}
	if got := r.parents(pub2.Commit.String()); !slices.Equal(got, []string{c1, d2.String()}) {
		t.Errorf("parents = %q", got)
	}
	r.wantDiscover(r.m,
		`nested/app ws=main rev=-1 Published ref=main task=- cm="v: 2\n"`,
		`nested/app ws=ws1 rev=1 Published ref=nested/app/v1 task=init cm="v: 1\n"`,
		`nested/app ws=ws2 rev=2 Published ref=nested/app/v2 task=edit cm="v: 2\n"`)
	if got := r.show("nested/app/v1", "nested/app/cm.yaml"); got != "v: 1\n" {
		t.Errorf("v1 changed: %q", got)
	}
}

// TestPublishRetries loses the race for the branch and for the tag once
// each, and still publishes, on the new head with the next number.
func TestPublishRetries(t *testing.T) {
	r := newWriteRepo(t, "blueprints")
	ctx := testContext(t)
	p1 := r.proposed(r.w, "app", "ws1", "1")

	// Another writer, with its own mirror, moves main: this mirror is stale.
	_, other := r.newWriter()
	if _, err := other.CreateDraft(ctx, DraftSpec{Package: "x", Workspace: "w", Files: pkgFiles("x"), Task: initTask, Base: r.start}); err != nil {
		t.Fatal(err)
	}
	moved, _, err := other.DeletePackage(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	// And someone takes the tag v1 between the advertisement and the push.
	r.race.beforeNextPush(func() { r.git("tag", "blueprints/app/v1", r.start.String()) })

	pub, err := r.w.Publish(ctx, "app", "ws1", p1)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if !r.race.ran() {
		t.Error("no push reached the server before the tag was taken")
	}
	if pub.Revision != 2 || r.ref("refs/tags/blueprints/app/v2") != pub.Commit.String() ||
		r.ref("refs/tags/blueprints/app/v1") != r.start.String() {
		t.Fatalf("Publish = %+v; refs:\n%s", pub, r.refs())
	}
	if got := r.parents(pub.Commit.String()); !slices.Equal(got, []string{moved.String(), p1.String()}) {
		t.Errorf("parents = %q, want the moved head, then the proposed head", got)
	}
	if got := r.files(pub.Commit.String()); !slices.Equal(got, []string{"README.md", "blueprints/app/Kptfile",
		"blueprints/app/cm.yaml", "blueprints/app/deploy/sub/x.yaml"}) {
		t.Errorf("the other writer's change must be kept: files = %q", got)
	}
	// The mirror was fetched on the way: it has the other writer's draft,
	// and the tag taken by hand, which holds no package.
	got, skipped := r.discover(r.m)
	want := []string{
		`app ws=main rev=-1 Published ref=main task=- cm="v: 1\n"`,
		`app ws=ws1 rev=2 Published ref=blueprints/app/v2 task=init cm="v: 1\n"`,
		`x ws=w rev=0 Draft ref=drafts/blueprints/x/w task=init cm="v: x\n"`,
	}
	if diff := cmpLines(got, want); diff != "" {
		t.Errorf("discovery:\n%s", diff)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], `tag "blueprints/app/v1": no Kptfile`) {
		t.Errorf("skipped: %q", skipped)
	}
}

// TestPublishConcurrent publishes ten proposed workspaces of one package at
// once: five through the shared Writer (serialised by its mirror's lock)
// and five each through a Writer on its own mirror, which race at the
// server. Each must get its own number and its commit must stay on main.
func TestPublishConcurrent(t *testing.T) {
	const n = 10
	r := newWriteRepo(t, "")
	ctx := testContext(t)
	heads := make([]plumbing.Hash, n)
	for i := range n {
		heads[i] = r.proposed(r.w, "app", fmt.Sprintf("ws%d", i), strconv.Itoa(i))
	}
	writers := make([]*Writer, n)
	for i := range n {
		writers[i] = r.w
		if i%2 == 1 {
			_, writers[i] = r.newWriter()
		}
	}
	results := make([]Published, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ws := fmt.Sprintf("ws%d", i)
			// A caller retries a conflict the Writer gave up on, as the
			// controller's requeue does.
			for range 10 {
				results[i], errs[i] = writers[i].Publish(ctx, "app", ws, heads[i])
				if !errors.Is(errs[i], backend.ErrConflict) {
					return
				}
			}
		})
	}
	wg.Wait()
	var revisions []int
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Publish ws%d: %v", i, errs[i])
		}
		revisions = append(revisions, results[i].Revision)
		if got := r.ref(fmt.Sprintf("refs/tags/app/v%d", results[i].Revision)); got != results[i].Commit.String() {
			t.Errorf("ws%d: tag v%d at %q, want %s", i, results[i].Revision, got, results[i].Commit)
		}
		if a := r.annotationOf(results[i].Commit.String()); a.WorkspaceName != fmt.Sprintf("ws%d", i) ||
			a.Revision != strconv.Itoa(results[i].Revision) {
			t.Errorf("ws%d: annotation %+v", i, a)
		}
	}
	slices.Sort(revisions)
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; !slices.Equal(revisions, want) {
		t.Fatalf("revisions %v, want %v", revisions, want)
	}
	// No lost update: main's first-parent history holds every approval.
	history := strings.Fields(r.git("rev-list", "--first-parent", "main"))
	for i := range n {
		if !slices.Contains(history, results[i].Commit.String()) {
			t.Errorf("ws%d: approval commit %s is not on main's first-parent history", i, results[i].Commit)
		}
	}
	if got := len(history); got != n+1 {
		t.Errorf("main has %d first-parent commits, want %d", got, n+1)
	}
	if strings.Contains(r.refs(), "refs/heads/proposed/") {
		t.Errorf("proposed branches left:\n%s", r.refs())
	}
	// A fresh mirror reads the ten published revisions.
	m, _ := r.newWriter()
	var published []string
	lines, _ := r.discover(m)
	for _, line := range lines {
		if strings.Contains(line, " Published ref=app/v") {
			published = append(published, line)
		}
	}
	if len(published) != n {
		t.Errorf("published revisions:\n%s", strings.Join(published, "\n"))
	}
}
