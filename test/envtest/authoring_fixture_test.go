package envtest

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/gitserver"
)

// authoringRepositories registers, in ns, a Repository per name on a new
// git server, each with its branch created, and waits until they are
// ready. It returns each repository's address with the credentials, for
// the git CLI.
func authoringRepositories(ns string, names ...string) func(name string) string {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "auth", Namespace: ns},
		Type:       corev1.SecretTypeBasicAuth,
		StringData: map[string]string{"username": gitUser, "password": gitPassword},
	})).To(Succeed())
	srv, err := gitserver.New(gitserver.Options{Root: GinkgoT().TempDir(), Username: gitUser, Password: gitPassword, AutoCreate: true})
	Expect(err).NotTo(HaveOccurred())
	Expect(srv.Start()).To(Succeed())
	DeferCleanup(srv.Close)
	for _, name := range names {
		repo := &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{
				Repo: srv.RepoURL(name), CreateBranch: true, SecretRef: configv1alpha1.SecretRef{Name: "auth"}}},
		}
		Expect(k8s.Create(ctx, repo)).To(Succeed())
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
	}
	return func(name string) string {
		return strings.Replace(srv.RepoURL(name), "http://", fmt.Sprintf("http://%s:%s@", gitUser, gitPassword), 1)
	}
}

// settled waits until the authoring controller acted on the revision's
// spec and its resources, with Ready True, and returns it as stored.
func settled(ns, name string) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	pr := &porchv1alpha1.PackageRevision{}
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, pr)).To(Succeed())
		g.Expect(pr.Status.ObservedGeneration).To(Equal(pr.Generation))
		g.Expect(meta.IsStatusConditionTrue(pr.Status.Conditions, porchv1alpha1.ConditionReady)).To(BeTrue(), "%v", pr.Status.Conditions)
		prr := &porchv1alpha1.PackageRevisionResources{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr)).To(Succeed())
		g.Expect(prr.Status.ObservedGeneration).To(Equal(prr.Generation))
	}).Should(Succeed())
	return pr
}

// moveTo sets a revision's lifecycle as c's user and waits until it is settled.
func moveTo(c client.Client, ns, name string, lifecycle porchv1alpha1.PackageRevisionLifecycle) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	Eventually(func() error {
		pr := &porchv1alpha1.PackageRevision{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, pr); err != nil {
			return err
		}
		pr.Spec.Lifecycle = lifecycle
		return c.Update(ctx, pr)
	}).Should(Succeed())
	return settled(ns, name)
}

// publishNew makes a package in repo by init and publishes it, as a user
// allowed to approve would, and returns the published revision.
func publishNew(ns, repo, pkg, workspace string) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	pr := newRevision(ns, repo, pkg, workspace)
	Expect(k8s.Create(ctx, pr)).To(Succeed())
	settled(ns, pr.Name)
	moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
	return moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecyclePublished)
}
