package webhook

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

func gitRepo(name, url, branch, dir string) configv1alpha1.Repository {
	return configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec: configv1alpha1.RepositorySpec{
			Type: configv1alpha1.RepositoryTypeGit,
			Git:  &configv1alpha1.GitRepository{Repo: url, Branch: branch, Directory: dir},
		},
	}
}

func ociRepo(name, registry string) configv1alpha1.Repository {
	return configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec:       configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI, Oci: &configv1alpha1.OciRepository{Registry: registry}},
	}
}

func inNamespace(r configv1alpha1.Repository, ns string) configv1alpha1.Repository {
	r.Namespace = ns
	return r
}

func TestValidateNoOverlap(t *testing.T) {
	const url = "http://host/repo.git"
	tests := []struct {
		name   string
		repo   configv1alpha1.Repository
		others []configv1alpha1.Repository
		// wantField and wantMessage describe the single error; both empty means none.
		wantField, wantMessage string
	}{
		{"alone", gitRepo("new", url, "", ""), nil, "", ""},
		{"root and directory", gitRepo("new", url, "main", "a"), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "")},
			"spec.git.directory", `Repository "blueprints" in this namespace already registers http://host/repo.git branch main at its root; two Repositories of one branch may not overlap: pick another branch or repository`},
		{"both at the root", gitRepo("new", url, "", ""), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "")},
			"spec.git.repo", `Repository "blueprints" in this namespace already registers http://host/repo.git branch main at its root`},
		{"same directory", gitRepo("new", url, "", "/a/"), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "a")},
			"spec.git.directory", `Repository "blueprints" in this namespace already registers http://host/repo.git branch main directory "a"; two Repositories of one branch may not overlap: pick a directory outside "a"`},
		{"inside another", gitRepo("new", url, "", "a/b"), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "a")},
			"spec.git.directory", `pick a directory outside "a"`},
		{"holding another", gitRepo("new", url, "", "a"), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "a/b")},
			"spec.git.directory", `directory "a/b"; two Repositories of one branch may not overlap: pick a directory neither holding nor inside "a/b"`},
		{"root holding another", gitRepo("new", url, "", ""), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "a")},
			"spec.git.directory", `pick a directory neither holding nor inside "a"`},
		{"sibling directory", gitRepo("new", url, "", "ab"), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "a")}, "", ""},
		{"other branch", gitRepo("new", url, "dev", ""), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "")}, "", ""},
		{"empty branch is main", gitRepo("new", url, "", ""), []configv1alpha1.Repository{gitRepo("blueprints", url, "main", "")},
			"spec.git.repo", "branch main"},
		{"other spelling of the URL", gitRepo("new", "HTTP://HOST/repo", "", ""), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "")},
			"spec.git.repo", `"blueprints"`},
		{"other repository", gitRepo("new", "http://host/other.git", "", ""), []configv1alpha1.Repository{gitRepo("blueprints", url, "", "")}, "", ""},
		{"other namespace", gitRepo("new", url, "", ""), []configv1alpha1.Repository{inNamespace(gitRepo("blueprints", url, "", ""), "elsewhere")}, "", ""},
		{"itself", gitRepo("new", url, "", ""), []configv1alpha1.Repository{gitRepo("new", url, "", "")}, "", ""},
		{"credentials never shown", gitRepo("new", "http://u:pw1@host/repo.git", "", ""), []configv1alpha1.Repository{gitRepo("blueprints", "http://u:pw2@host/repo.git", "", "")},
			"spec.git.repo", "already registers http://host/repo.git branch main"},
		{"oci duplicate", ociRepo("new", "Registry.example.com/pkgs/"), []configv1alpha1.Repository{ociRepo("blueprints", "registry.example.com/pkgs")},
			"spec.oci.registry", `Repository "blueprints" in this namespace already registers the registry registry.example.com/pkgs`},
		{"oci credentials never shown", ociRepo("new", "u:pw1@registry.example.com/pkgs"), []configv1alpha1.Repository{ociRepo("blueprints", "u:pw2@registry.example.com/pkgs")},
			"spec.oci.registry", "already registers the registry registry.example.com/pkgs;"},
		{"oci other path", ociRepo("new", "registry.example.com/other"), []configv1alpha1.Repository{ociRepo("blueprints", "registry.example.com/pkgs")}, "", ""},
		{"git beside oci", gitRepo("new", "http://registry.example.com/pkgs", "", ""), []configv1alpha1.Repository{ociRepo("blueprints", "http://registry.example.com/pkgs")}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := validateNoOverlap(&tt.repo, tt.others)
			if tt.wantField == "" {
				if len(errs) != 0 {
					t.Fatalf("want no error, got %v", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("want one error on %s, got %v", tt.wantField, errs)
			}
			if errs[0].Field != tt.wantField || !strings.Contains(errs[0].Detail, tt.wantMessage) {
				t.Fatalf("got %s: %s\nwant %s: ...%s...", errs[0].Field, errs[0].Detail, tt.wantField, tt.wantMessage)
			}
			if msg := errs.ToAggregate().Error(); strings.Contains(msg, "pw1") || strings.Contains(msg, "pw2") {
				t.Fatalf("the error shows a password: %s", msg)
			}
		})
	}
}

func TestValidateNoOverlapNamesEveryOtherInOrder(t *testing.T) {
	const url = "http://host/repo.git"
	repo := gitRepo("new", url, "", "a/b")
	errs := validateNoOverlap(&repo, []configv1alpha1.Repository{gitRepo("zeta", url, "", "a"), gitRepo("alpha", url, "", ""), gitRepo("mid", url, "", "c")})
	if len(errs) != 2 || !strings.Contains(errs[0].Detail, `"alpha"`) || !strings.Contains(errs[1].Detail, `"zeta"`) {
		t.Fatalf("want errors naming alpha then zeta, got %v", errs)
	}
}
