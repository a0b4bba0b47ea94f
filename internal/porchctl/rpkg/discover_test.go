package rpkg

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestUpgradesFollowTheUpstreamLock(t *testing.T) {
	repos := []configv1alpha1.Repository{
		{ObjectMeta: metav1.ObjectMeta{Name: "catalog"}, Spec: configv1alpha1.RepositorySpec{Git: &configv1alpha1.GitRepository{Repo: "https://example.com/catalog", Directory: "/pkgs"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "other"}, Spec: configv1alpha1.RepositorySpec{Git: &configv1alpha1.GitRepository{Repo: "https://example.com/other.git"}}},
	}
	published := func(repo, pkg string, revision int) porchv1alpha1.PackageRevision {
		return porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: repo + "." + pkg + ".v" + string(rune('0'+revision))},
			Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: repo, PackageName: pkg, Revision: revision, Lifecycle: porchv1alpha1.PackageRevisionLifecyclePublished}}
	}
	draft := published("catalog", "base", 0)
	draft.Name, draft.Spec.Lifecycle = "catalog.base.ws", porchv1alpha1.PackageRevisionLifecycleDraft
	revisions := revisionSet{published("catalog", "base", 3), published("catalog", "base", 1), published("catalog", "base", 2),
		published("other", "base", 5), draft}
	locked := func(repo, ref string) *porchv1alpha1.PackageRevision {
		return &porchv1alpha1.PackageRevision{Status: porchv1alpha1.PackageRevisionStatus{
			UpstreamLock: &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeGit, Git: &porchv1alpha1.GitLock{Repo: repo, Ref: ref}}}}
	}
	names := func(u upgrades) string {
		var out []string
		for _, pr := range u.newer {
			out = append(out, pr.Name)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		what              string
		pr                *porchv1alpha1.PackageRevision
		repository, newer string
		from, draft       string
	}{
		{"a tag under the repository's directory, the URL without .git", locked("https://example.com/catalog.git", "pkgs/base/v1"), "catalog", "catalog.base.v2,catalog.base.v3", "v1", ""},
		{"the newest revision", locked("https://example.com/catalog", "pkgs/base/v3"), "catalog", "", "v3", ""},
		{"a draft: every published revision", locked("https://example.com/catalog", "drafts/pkgs/base/ws"), "catalog", "catalog.base.v1,catalog.base.v2,catalog.base.v3", "", "ws"},
		{"a ref that is no revision", locked("https://example.com/other", "base/main"), "other", "other.base.v5", "", ""},
		{"an unregistered repository", locked("https://example.com/elsewhere.git", "base/v1"), "", "", "v1", ""},
		{"no lock", &porchv1alpha1.PackageRevision{}, "", "", "", ""},
	} {
		u, err := revisions.upgradesOf(tc.pr, repos)
		if err != nil {
			t.Errorf("%s: %v", tc.what, err)
			continue
		}
		if u.repository != tc.repository || names(u) != tc.newer || u.from != tc.from || u.draft != tc.draft {
			t.Errorf("%s: repository %q, newer %q, from %q, draft %q; want %q, %q, %q, %q",
				tc.what, u.repository, names(u), u.from, u.draft, tc.repository, tc.newer, tc.from, tc.draft)
		}
	}
	if _, err := revisions.upgradesOf(locked("https://example.com/catalog", "main"), repos); err == nil || !strings.Contains(err.Error(), `malformed upstreamLock.Git.Ref "main"`) {
		t.Errorf("a ref without a package: want it named as malformed, got %v", err)
	}
}

func TestUpgradesFollowAnImageLock(t *testing.T) {
	repos := []configv1alpha1.Repository{
		{ObjectMeta: metav1.ObjectMeta{Name: "images"}, Spec: configv1alpha1.RepositorySpec{Oci: &configv1alpha1.OciRepository{Registry: "registry.example.com/packages/"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "git"}, Spec: configv1alpha1.RepositorySpec{Git: &configv1alpha1.GitRepository{Repo: "https://registry.example.com/packages"}}},
	}
	revision := func(pkg, ws string, n int) porchv1alpha1.PackageRevision {
		return porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: "images." + strings.ReplaceAll(pkg, "/", ".") + "." + ws},
			Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: "images", PackageName: pkg, WorkspaceName: ws, Revision: n, Lifecycle: porchv1alpha1.PackageRevisionLifecyclePublished}}
	}
	revisions := revisionSet{revision("net/base", "second", 2), revision("net/base", "first", 1), revision("net/base", "third", 3), revision("other", "first", 1)}
	const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		image, repository, newer, from string
	}{
		{"registry.example.com/packages/net/base:first" + digest, "images", "images.net.base.second,images.net.base.third", "v1"},
		{"registry.example.com/packages/net/base:third" + digest, "images", "", "v3"},
		{"registry.example.com/packages/net/base" + digest, "images", "images.net.base.first,images.net.base.second,images.net.base.third", ""},
		{"elsewhere.example.com/net/base:first" + digest, "", "", ""},
	} {
		pr := &porchv1alpha1.PackageRevision{Status: porchv1alpha1.PackageRevisionStatus{
			UpstreamLock: &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeOCI, Oci: &porchv1alpha1.OciLock{Image: tc.image}}}}
		u, err := revisions.upgradesOf(pr, repos)
		if err != nil {
			t.Fatalf("%s: %v", tc.image, err)
		}
		var newer []string
		for _, up := range u.newer {
			newer = append(newer, up.Name)
		}
		if u.repository != tc.repository || strings.Join(newer, ",") != tc.newer || u.from != tc.from {
			t.Errorf("%s: repository %q, newer %q, from %q; want %q, %q, %q", tc.image, u.repository, strings.Join(newer, ","), u.from, tc.repository, tc.newer, tc.from)
		}
	}
}
