package rpkg

import (
	"strings"
	"testing"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestUpstreamLockNamesARevision(t *testing.T) {
	revision := func(repo, pkg, workspace string, n int, lifecycle porchv1alpha1.PackageRevisionLifecycle) porchv1alpha1.PackageRevision {
		pr := porchv1alpha1.PackageRevision{Spec: porchv1alpha1.PackageRevisionSpec{
			RepositoryName: repo, PackageName: pkg, WorkspaceName: workspace, Revision: n, Lifecycle: lifecycle}}
		pr.Name = repo + "." + strings.ReplaceAll(pkg, "/", ".") + "." + workspace
		return pr
	}
	published := porchv1alpha1.PackageRevisionLifecyclePublished
	revisions := revisionSet{
		revision("blueprints", "app", "main", -1, published),
		revision("blueprints", "app", "v1", 1, published),
		revision("blueprints", "app", "v2", 2, published),
		revision("blueprints", "app", "wip", 0, porchv1alpha1.PackageRevisionLifecycleDraft),
		revision("images", "base/app", "v1", 1, published),
	}
	repos := []configv1alpha1.Repository{
		{Spec: configv1alpha1.RepositorySpec{Git: &configv1alpha1.GitRepository{Repo: "https://example.com/bp", Directory: "/pkgs"}}},
		{Spec: configv1alpha1.RepositorySpec{Oci: &configv1alpha1.OciRepository{Registry: "registry.example.com/catalog/"}}},
	}
	repos[0].Name, repos[1].Name = "blueprints", "images"
	git := func(ref, dir string) *porchv1alpha1.Locator {
		return &porchv1alpha1.Locator{Git: &porchv1alpha1.GitLock{Repo: "https://example.com/bp.git", Ref: ref, Directory: dir}}
	}
	for _, tc := range []struct {
		name string
		lock *porchv1alpha1.Locator
		want string
	}{
		{"the tag of a published revision", git("pkgs/app/v2", "/pkgs/app"), "blueprints.app.v2"},
		{"the branch of a draft", git("drafts/pkgs/app/wip", "/pkgs/app"), "blueprints.app.wip"},
		{"the registered branch", git("main", "/pkgs/app"), "blueprints.app.main"},
		{"a tag no revision has", git("pkgs/app/v7", "/pkgs/app"), ""},
		{"another ref", git("feature", "/pkgs/app"), ""},
		{"another git repository", &porchv1alpha1.Locator{Git: &porchv1alpha1.GitLock{Repo: "https://example.com/other.git", Ref: "pkgs/app/v1"}}, ""},
		{"an image of a registered registry", &porchv1alpha1.Locator{Oci: &porchv1alpha1.OciLock{Image: "registry.example.com/catalog/base/app:v1@sha256:0123"}}, "images.base.app.v1"},
		{"an image elsewhere", &porchv1alpha1.Locator{Oci: &porchv1alpha1.OciLock{Image: "elsewhere.example.com/base/app:v1"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if pr := revisions.locked(tc.lock, repos); pr != nil {
				got = pr.Name
			}
			if got != tc.want {
				t.Errorf("locked = %q, want %q", got, tc.want)
			}
		})
	}
}
