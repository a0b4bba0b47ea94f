package envtest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

var _ = Describe("Repository webhook", func() {
	// Nothing answers at this address: the webhook does not care.
	const url = "http://127.0.0.1:1/x.git"

	gitSpec := func(url, branch, dir string) configv1alpha1.RepositorySpec {
		return configv1alpha1.RepositorySpec{
			Type: configv1alpha1.RepositoryTypeGit,
			Git:  &configv1alpha1.GitRepository{Repo: url, Branch: branch, Directory: dir},
		}
	}
	ociSpec := func(registry string) configv1alpha1.RepositorySpec {
		return configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI, Oci: &configv1alpha1.OciRepository{Registry: registry}}
	}
	repository := func(ns, name string, spec configv1alpha1.RepositorySpec) *configv1alpha1.Repository {
		return &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: spec}
	}

	// registered creates a Repository and waits until the controller has
	// reconciled it. The controller reads the manager's cache, as the webhook
	// does, so the webhook then sees it too: a create a few milliseconds
	// later could otherwise pass a cache that has not caught up.
	registered := func(ns, name string, spec configv1alpha1.RepositorySpec) *configv1alpha1.Repository {
		repo := repository(ns, name, spec)
		Expect(k8s.Create(ctx, repo)).To(Succeed())
		Eventually(func(g Gomega) {
			got := &configv1alpha1.Repository{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
			g.Expect(got.Status.Conditions).NotTo(BeEmpty())
		}).Should(Succeed())
		return repo
	}

	// refused checks that the apiserver refuses the Repository as invalid,
	// naming the field and the Repository it overlaps.
	refused := func(repo *configv1alpha1.Repository, field, other string) {
		err := k8s.Create(ctx, repo)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
		Expect(err.Error()).To(And(
			ContainSubstring(field+": Invalid value"),
			ContainSubstring(`Repository "`+other+`" in this namespace already registers`),
		))
	}

	var ns string
	BeforeEach(func() { ns = newNamespace() })

	It("refuses a directory of a branch registered at its root", func() {
		registered(ns, "blueprints", gitSpec(url, "main", ""))
		refused(repository(ns, "team-a", gitSpec(url, "main", "a")), "spec.git.directory", "blueprints")
	})

	It("refuses the root of a branch registered twice", func() {
		registered(ns, "blueprints", gitSpec(url, "", ""))
		refused(repository(ns, "again", gitSpec(url, "main", "")), "spec.git.repo", "blueprints")
	})

	It("refuses a directory inside a registered one, and accepts a sibling sharing its prefix", func() {
		registered(ns, "team-a", gitSpec(url, "main", "a"))
		refused(repository(ns, "team-a-b", gitSpec(url, "main", "a/b")), "spec.git.directory", "team-a")
		Expect(k8s.Create(ctx, repository(ns, "team-ab", gitSpec(url, "main", "ab")))).To(Succeed())
	})

	It("accepts the same directory on another branch", func() {
		registered(ns, "blueprints", gitSpec(url, "main", ""))
		Expect(k8s.Create(ctx, repository(ns, "staging", gitSpec(url, "staging", "")))).To(Succeed())
	})

	It("compares URLs without .git, trailing slashes, case of the host, or credentials", func() {
		registered(ns, "blueprints", gitSpec(url, "main", ""))
		refused(repository(ns, "slash", gitSpec("http://127.0.0.1:1/x/", "main", "")), "spec.git.repo", "blueprints")
		refused(repository(ns, "no-suffix", gitSpec("http://user:s3cret@127.0.0.1:1/x", "main", "")), "spec.git.repo", "blueprints")
		registered(ns, "host", gitSpec("http://Git.Example.com/y", "main", ""))
		err := k8s.Create(ctx, repository(ns, "host-again", gitSpec("http://user:s3cret@git.example.com/y.git", "main", "")))
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
	})

	It("accepts the same repository in another namespace", func() {
		registered(ns, "blueprints", gitSpec(url, "main", ""))
		Expect(k8s.Create(ctx, repository(newNamespace(), "blueprints", gitSpec(url, "main", "")))).To(Succeed())
	})

	It("accepts an update of a Repository, which is not compared with itself", func() {
		repo := registered(ns, "blueprints", gitSpec(url, "main", "a"))
		registered(ns, "elsewhere", gitSpec(url, "main", "b"))
		patch := client.MergeFrom(repo.DeepCopy())
		repo.Spec.Description = "shared blueprints"
		Expect(k8s.Patch(ctx, repo, patch)).To(Succeed())
	})

	It("refuses a second Repository of one OCI registry", func() {
		registered(ns, "images", ociSpec("127.0.0.1:1/packages"))
		refused(repository(ns, "images-again", ociSpec("127.0.0.1:1/packages/")), "spec.oci.registry", "images")
		Expect(k8s.Create(ctx, repository(ns, "other-path", ociSpec("127.0.0.1:1/other")))).To(Succeed())
	})
})
