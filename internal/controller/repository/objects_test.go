package repository

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
)

const (
	draft     = porchv1alpha1.PackageRevisionLifecycleDraft
	proposed  = porchv1alpha1.PackageRevisionLifecycleProposed
	published = porchv1alpha1.PackageRevisionLifecyclePublished
	deletion  = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
)

func testRepo() *configv1alpha1.Repository {
	return &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: "blueprints", Namespace: "team", UID: "uid-1"},
		Spec:       configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Deployment: true, Git: &configv1alpha1.GitRepository{Repo: "http://h/r.git"}},
	}
}

func TestMirrorObjects(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	task := &porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: "d"}}
	d := &git.Discovery{
		Revisions: []git.PackageRevision{
			{Package: "a", WorkspaceName: "main", Revision: -1, Lifecycle: published, Ref: "main", CommitTime: when, Files: map[string]string{"Kptfile": "k"}},
			{Package: "a", WorkspaceName: "v1", Revision: 1, Lifecycle: published, Ref: "a/v1", Commit: "c1", CommitTime: when, Task: task},
			{Package: "a", WorkspaceName: "second", Revision: 2, Lifecycle: published, Ref: "a/v2", Commit: "c2"},
			{Package: "a", WorkspaceName: "third", Revision: 3, Lifecycle: deletion, Ref: "deletionProposed/a/v3"},
			{Package: "a", WorkspaceName: "wip", Lifecycle: draft, Ref: "drafts/a/wip"},
			{Package: "b/c", WorkspaceName: "d", Lifecycle: proposed, Ref: "proposed/b/c/d"},
			{Package: "b", WorkspaceName: "c.d", Revision: -1, Lifecycle: published, Ref: "b/c.d"},
			{Package: "big", WorkspaceName: "v1", Revision: 1, Lifecycle: published, Ref: "big/v1", TooLarge: true, Size: 5 << 20},
		},
		Skipped: []string{"zz: from discovery"},
	}
	m := mirrorObjects(testRepo(), d)

	names := map[string]*porchv1alpha1.PackageRevision{}
	for _, pr := range m.revisions {
		names[pr.Name] = pr
		if pr.Namespace != "team" || pr.Labels[porchv1alpha1.RepositoryLabel] != "blueprints" || pr.Spec.RepositoryName != "blueprints" {
			t.Errorf("%s: namespace, label or repository wrong: %+v", pr.Name, pr.ObjectMeta)
		}
		if len(pr.OwnerReferences) != 1 || pr.OwnerReferences[0].UID != "uid-1" || !*pr.OwnerReferences[0].Controller {
			t.Errorf("%s: owner references %+v", pr.Name, pr.OwnerReferences)
		}
		if !pr.Status.Deployment {
			t.Errorf("%s: a deployment repository's revisions are deployments", pr.Name)
		}
	}
	wantNames := []string{"blueprints.a.main", "blueprints.a.v1", "blueprints.a.second", "blueprints.a.third", "blueprints.a.wip", "blueprints.b.c.d", "blueprints.big.v1"}
	if len(names) != len(wantNames) {
		t.Fatalf("got %d revisions %v, want %v", len(names), keys(names), wantNames)
	}
	for _, n := range wantNames {
		if names[n] == nil {
			t.Fatalf("no revision %s among %v", n, keys(names))
		}
	}
	// Latest is the highest published revision: a/v3, proposed for deletion
	// but not deleted yet, as upstream shows it.
	for n, pr := range names {
		_, latest := pr.Labels[porchv1alpha1.LatestPackageRevisionKey]
		if want := n == "blueprints.a.third" || n == "blueprints.big.v1"; latest != want {
			t.Errorf("%s: latest label %v, want %v", n, latest, want)
		}
	}
	if got := names["blueprints.a.v1"]; len(got.Spec.Tasks) != 1 || got.Spec.Tasks[0].Type != "init" || got.Status.PublishedAt == nil || !got.Status.PublishedAt.Time.Equal(when) {
		t.Errorf("a.v1: tasks %v, published at %v", got.Spec.Tasks, got.Status.PublishedAt)
	}
	if got := names["blueprints.a.wip"]; got.Status.PublishedAt != nil {
		t.Errorf("a draft has no publish time")
	}
	big := names["blueprints.big.v1"].Status.Conditions[0]
	if big.Status != metav1.ConditionFalse || big.Reason != porchv1alpha1.ReasonContentTooLarge || !strings.Contains(big.Message, "5242880 bytes") {
		t.Errorf("too large: %+v", big)
	}
	// package b/c workspace d and package b workspace c.d share a name: the second is skipped.
	if len(m.skipped) != 2 || !strings.Contains(m.skipped[0], `b/c.d: object name "blueprints.b.c.d" is already used by proposed/b/c/d`) || m.skipped[1] != "zz: from discovery" {
		t.Errorf("skipped = %q", m.skipped)
	}
	if len(m.resources) != len(m.revisions) {
		t.Fatalf("%d resources for %d revisions", len(m.resources), len(m.revisions))
	}
	for _, prr := range m.resources {
		if prr.Name == "blueprints.a.main" && prr.Status.Resources["Kptfile"] != "k" {
			t.Errorf("a.main content: %v", prr.Status.Resources)
		}
		if prr.Name == "blueprints.big.v1" && prr.Status.Resources != nil {
			t.Errorf("too large a package carries no content")
		}
	}
	latest := map[string]int{}
	for _, p := range m.packages {
		latest[p.Name] = p.Status.LatestRevision
	}
	if want := map[string]int{"blueprints.a": 3, "blueprints.b.c": 0, "blueprints.big": 1}; !equalMaps(latest, want) {
		t.Errorf("packages = %v, want %v", latest, want)
	}
}

func TestMirrorObjectsSkipsNamesTooLong(t *testing.T) {
	long := strings.Repeat("abcdefgh/", 22) + "x"
	ws := strings.Repeat("w", 63)
	m := mirrorObjects(testRepo(), &git.Discovery{Revisions: []git.PackageRevision{{Package: long, WorkspaceName: ws, Lifecycle: draft, Ref: "drafts/" + long + "/" + ws}}})
	if len(m.revisions) != 0 || len(m.skipped) != 1 || !strings.Contains(m.skipped[0], "longer than 253 characters") {
		t.Fatalf("revisions %d, skipped %q", len(m.revisions), m.skipped)
	}
}

func keys[V any](m map[string]V) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestResourcesDigestFollowsTheContentAndTheObject(t *testing.T) {
	digestOf := func(rev git.PackageRevision) string {
		m := mirrorObjects(testRepo(), &git.Discovery{Revisions: []git.PackageRevision{rev}})
		return m.digests()[memoKey{resourcesKind.name, m.resources[0].Name}]
	}
	base := git.PackageRevision{Package: "a", WorkspaceName: "wip", Lifecycle: draft, Ref: "drafts/a/wip", Commit: "c1",
		Files: map[string]string{"Kptfile": "k"}, ContentID: "tree1/0"}
	same := base
	same.Files = map[string]string{"Kptfile": "k"}
	if digestOf(base) != digestOf(same) {
		t.Error("the same revision gave two digests")
	}
	newContent := base
	newContent.ContentID = "tree2/0"
	newCommit := base
	newCommit.Commit = "c2"
	for what, rev := range map[string]git.PackageRevision{"new content": newContent, "new commit": newCommit} {
		if digestOf(rev) == digestOf(base) {
			t.Errorf("%s: the digest did not change", what)
		}
	}
}
