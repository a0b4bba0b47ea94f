package envtest

import (
	"fmt"
	"net/http/httptest"
	"os/exec"
	"strings"

	ociregistry "github.com/google/go-containerregistry/pkg/registry"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/gitserver"
)

const (
	gitUser     = "porch"
	gitPassword = "s3cret-git-password"
)

var _ = Describe("Repository controller", func() {
	var (
		ns  string
		git *gitserver.Server
	)

	BeforeEach(func() {
		ns = newNamespace()
		var err error
		git, err = gitserver.New(gitserver.Options{Root: GinkgoT().TempDir(), Username: gitUser, Password: gitPassword, AutoCreate: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(git.Start()).To(Succeed())
		DeferCleanup(git.Close)
	})

	authSecret := func(name, password string) {
		Expect(k8s.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Type:       corev1.SecretTypeBasicAuth,
			StringData: map[string]string{"username": gitUser, "password": password},
		})).To(Succeed())
	}

	gitRepository := func(name, url, secret string, mutate ...func(*configv1alpha1.GitRepository)) *configv1alpha1.Repository {
		repo := &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{
				Type: configv1alpha1.RepositoryTypeGit,
				Git:  &configv1alpha1.GitRepository{Repo: url, SecretRef: configv1alpha1.SecretRef{Name: secret}},
			},
		}
		for _, m := range mutate {
			m(repo.Spec.Git)
		}
		Expect(k8s.Create(ctx, repo)).To(Succeed())
		return repo
	}

	// readyOf waits for the Ready condition to have the given reason and returns it.
	readyOf := func(repo *configv1alpha1.Repository, reason string) *metav1.Condition {
		var cond *metav1.Condition
		Eventually(func(g Gomega) {
			got := &configv1alpha1.Repository{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
			cond = meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady)
			g.Expect(cond).NotTo(BeNil())
			g.Expect(cond.Reason).To(Equal(reason), cond.Message)
		}).Should(Succeed())
		Expect(cond.Message).NotTo(ContainSubstring(gitPassword))
		Expect(cond.Message).NotTo(ContainSubstring("wrong-password"))
		return cond
	}

	// pushBranch makes a branch in the remote with the git CLI, as a user would.
	pushBranch := func(repo, branch string) {
		dir := GinkgoT().TempDir()
		url := strings.Replace(git.RepoURL(repo), "http://", fmt.Sprintf("http://%s:%s@", gitUser, gitPassword), 1)
		for _, args := range [][]string{
			{"init", "-q", "-b", branch},
			{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first"},
			{"push", "-q", url, branch},
		} {
			out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
		}
	}

	It("becomes Ready with good credentials and records the branch commit", func() {
		pushBranch("good", "main")
		authSecret("auth", gitPassword)
		repo := gitRepository("good", git.RepoURL("good"), "auth")
		cond := readyOf(repo, configv1alpha1.ReasonReady)
		Expect(cond.Status).To(Equal(metav1.ConditionTrue))

		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		Expect(got.Status.GitCommitHash).To(HaveLen(40))
		Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))

		Eventually(func(g Gomega) {
			events := &eventsv1.EventList{}
			g.Expect(k8s.List(ctx, events, client.InNamespace(ns))).To(Succeed())
			g.Expect(events.Items).To(ContainElement(And(
				HaveField("Reason", configv1alpha1.ReasonReady),
				HaveField("Regarding.Name", "good"),
			)))
		}).Should(Succeed())
	})

	It("reports AuthenticationFailed for a wrong password, without showing it, and recovers when the Secret is fixed", func() {
		pushBranch("guarded", "main")
		authSecret("auth", "wrong-password")
		repo := gitRepository("guarded", git.RepoURL("guarded"), "auth")
		cond := readyOf(repo, configv1alpha1.ReasonAuthenticationFailed)
		Expect(cond.Status).To(Equal(metav1.ConditionFalse))
		Expect(cond.Message).To(ContainSubstring("check the username and password"))

		secret := &corev1.Secret{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "auth"}, secret)).To(Succeed())
		secret.Data["password"] = []byte(gitPassword)
		Expect(k8s.Update(ctx, secret)).To(Succeed())
		readyOf(repo, configv1alpha1.ReasonReady)
	})

	It("reports AuthenticationFailed when credentials are needed but none are given", func() {
		repo := gitRepository("anonymous", git.RepoURL("anonymous"), "")
		Expect(readyOf(repo, configv1alpha1.ReasonAuthenticationFailed).Message).To(ContainSubstring("set secretRef"))
	})

	It("reports SecretNotFound when the secretRef names no Secret", func() {
		repo := gitRepository("nosecret", git.RepoURL("nosecret"), "missing")
		Expect(readyOf(repo, configv1alpha1.ReasonSecretNotFound).Message).To(ContainSubstring(`Secret "missing" not found`))
	})

	It("reports BranchNotFound for a missing branch", func() {
		pushBranch("branches", "main")
		authSecret("auth", gitPassword)
		repo := gitRepository("branches", git.RepoURL("branches"), "auth", func(g *configv1alpha1.GitRepository) { g.Branch = "release" })
		cond := readyOf(repo, configv1alpha1.ReasonBranchNotFound)
		Expect(cond.Message).To(And(ContainSubstring(`no branch "release"`), ContainSubstring("createBranch: true")))

		By("creating the branch in git, the repository becomes Ready on the next check")
		pushBranch("branches", "release")
		readyOf(repo, configv1alpha1.ReasonReady)
	})

	It("creates the branch with an initial commit when createBranch is true", func() {
		authSecret("auth", gitPassword)
		repo := gitRepository("fresh", git.RepoURL("fresh"), "auth", func(g *configv1alpha1.GitRepository) {
			g.Branch = "packages"
			g.CreateBranch = true
			g.Author = "Platform Team"
			g.Email = "platform@example.com"
		})
		Expect(readyOf(repo, configv1alpha1.ReasonReady).Message).To(ContainSubstring("created the branch"))

		out, err := exec.Command("git", "--git-dir", GinkgoT().TempDir(), "ls-remote", "--heads",
			strings.Replace(git.RepoURL("fresh"), "http://", fmt.Sprintf("http://%s:%s@", gitUser, gitPassword), 1)).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(ContainSubstring("refs/heads/packages"))
	})

	It("makes an OCI repository Ready when its registry answers, and Unreachable when none does", func() {
		registry := httptest.NewServer(ociregistry.New())
		DeferCleanup(registry.Close)
		oci := func(name, address string) *configv1alpha1.Repository {
			repo := &configv1alpha1.Repository{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
				Spec: configv1alpha1.RepositorySpec{
					Type: configv1alpha1.RepositoryTypeOCI,
					Oci:  &configv1alpha1.OciRepository{Registry: address},
				},
			}
			Expect(k8s.Create(ctx, repo)).To(Succeed())
			return repo
		}
		readyOf(oci("registry", strings.TrimPrefix(registry.URL, "http://")+"/packages"), configv1alpha1.ReasonReady)
		readyOf(oci("no-registry", "127.0.0.1:1/packages"), configv1alpha1.ReasonUnreachable)
	})

	It("reports Unreachable when nothing answers at the address", func() {
		repo := gitRepository("gone", "http://127.0.0.1:1/gone.git", "")
		Expect(readyOf(repo, configv1alpha1.ReasonUnreachable).Status).To(Equal(metav1.ConditionFalse))
	})
})
