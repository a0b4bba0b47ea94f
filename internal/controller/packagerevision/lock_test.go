package packagerevision

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
)

// A Repository registered with credentials in its URL, before admission
// refused them: a clone of its revisions commits the upstream without them.
func TestUpstreamLockCarriesNoUserInfo(t *testing.T) {
	repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "up"}, Spec: configv1alpha1.RepositorySpec{
		Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: "https://alice:s3cret@git.example.com/up.git", Directory: "pkgs"}}}
	pr := &porchv1alpha1.PackageRevision{Spec: porchv1alpha1.PackageRevisionSpec{PackageName: "web", Revision: 2}}
	lock := upstreamLock(repo, pr, "0123456789012345678901234567890123456789")
	if lock.Repo != "https://git.example.com/up.git" || lock.Ref != "pkgs/web/v2" {
		t.Fatalf("lock = %+v, want the URL without user info and ref pkgs/web/v2", lock)
	}
	files, err := cad.Clone(cad.Package{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: web\n"},
		cad.CloneOptions{Name: "web", Upstream: lock})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(files["Kptfile"], "alice") || strings.Contains(files["Kptfile"], "s3cret") {
		t.Fatalf("the committed Kptfile carries user info:\n%s", files["Kptfile"])
	}
}
