package envtest

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/gitserver"
)

// startGit starts a git server with the suite's credentials, serving root
// at addr (any free port when empty), until the spec ends.
func startGit(root, addr string) *gitserver.Server {
	s, err := gitserver.New(gitserver.Options{Root: root, Addr: addr, Username: gitUser, Password: gitPassword, AutoCreate: true})
	Expect(err).NotTo(HaveOccurred())
	Expect(s.Start()).To(Succeed())
	DeferCleanup(s.Close)
	return s
}

// namespaceWithAuth is a new namespace holding the git server's credentials as Secret "auth".
func namespaceWithAuth() string {
	namespace := newNamespace()
	Expect(k8s.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "auth", Namespace: namespace},
		Type:       corev1.SecretTypeBasicAuth,
		StringData: map[string]string{"username": gitUser, "password": gitPassword},
	})).To(Succeed())
	return namespace
}

// gitNamespace is a spec's own namespace, holding Secret "auth", and git server.
func gitNamespace() (string, *gitserver.Server) {
	return namespaceWithAuth(), startGit(GinkgoT().TempDir(), "")
}

// specGit is the namespace and git server of the spec running.
type specGit struct {
	ns  string
	srv *gitserver.Server
}

// perSpecGit gives every spec of the container calling it a gitNamespace.
func perSpecGit() *specGit {
	g := &specGit{}
	BeforeEach(func() { g.ns, g.srv = gitNamespace() })
	return g
}

// authURL is the address of a repository of s with the credentials in it,
// for the git CLI.
func authURL(s *gitserver.Server, repo string) string {
	return strings.Replace(s.RepoURL(repo), "http://", fmt.Sprintf("http://%s:%s@", gitUser, gitPassword), 1)
}

// register creates a git Repository using Secret "auth".
func register(namespace, name, url, directory string) *configv1alpha1.Repository {
	repo := &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
			Git: &configv1alpha1.GitRepository{Repo: url, Directory: directory, SecretRef: configv1alpha1.SecretRef{Name: "auth"}}},
	}
	Expect(k8s.Create(ctx, repo)).To(Succeed())
	return repo
}

// updateSpec changes a Repository's spec as a user would, retrying on conflicts.
func updateSpec(repo *configv1alpha1.Repository, change func(*configv1alpha1.RepositorySpec)) {
	Eventually(func() error {
		got := &configv1alpha1.Repository{}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(repo), got); err != nil {
			return err
		}
		change(&got.Spec)
		return k8s.Update(ctx, got)
	}).Should(Succeed())
}

// runOnce asks for a sync now through spec.sync.runOnceAt.
func runOnce(repo *configv1alpha1.Repository) metav1.Time {
	at := metav1.NewTime(time.Now().Truncate(time.Second))
	updateSpec(repo, func(spec *configv1alpha1.RepositorySpec) { spec.Sync = &configv1alpha1.RepositorySync{RunOnceAt: &at} })
	return at
}

// syncedOnce waits until the sync that runOnceAt at asked for is complete.
func syncedOnce(repo *configv1alpha1.Repository, at metav1.Time) {
	GinkgoHelper()
	Eventually(func(g Gomega) {
		got := &configv1alpha1.Repository{}
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		g.Expect(got.Status.ObservedRunOnceAt).NotTo(BeNil())
		g.Expect(got.Status.ObservedRunOnceAt.Time).To(BeTemporally("==", at.Time))
	}).Should(Succeed())
}

// publishOne pushes a repository holding package pkg, published once as workspace "one".
func publishOne(remote string) *gitWork {
	w := newGitWork(remote)
	w.write(map[string]string{"pkg/Kptfile": minimalKptfile("pkg"), "pkg/cm.yaml": configMap("pkg", "v1")})
	w.commit("Approve pkg/one", annotation("pkg", "one", "v1", nil))
	w.git("tag", "pkg/v1")
	w.push("main", "--tags")
	return w
}
