package envtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// The attacks of a tenant on what the manager reaches for it: Secrets it
// may not read sent where it points, the manager's own disk read as a
// remote, credentials in URLs, and the remote's answers copied into the
// status other users read.
var _ = Describe("Remotes and credentials a user names", func() {
	gitRepository := func(ns, name, url, secret string) *configv1alpha1.Repository {
		return &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
				Git: &configv1alpha1.GitRepository{Repo: url, CreateBranch: true, SecretRef: configv1alpha1.SecretRef{Name: secret}}},
		}
	}
	cloneFromGit := func(url, secret string) func(*porchv1alpha1.PackageRevision) {
		return func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
				Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeGit, Git: &porchv1alpha1.GitPackage{
					Repo: url, Ref: "main", Directory: "pkgs/web", SecretRef: porchv1alpha1.SecretRef{Name: secret}}}}}}
		}
	}
	withoutCredentials := func(url string) string {
		return strings.Replace(url, fmt.Sprintf("%s:%s@", gitUser, gitPassword), "", 1)
	}
	// readyCondition waits until the Repository's Ready condition has reason.
	readyCondition := func(repo *configv1alpha1.Repository, reason string) *metav1.Condition {
		GinkgoHelper()
		var cond *metav1.Condition
		Eventually(func(g Gomega) {
			got := &configv1alpha1.Repository{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
			cond = meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady)
			g.Expect(cond).NotTo(BeNil())
			g.Expect(cond.Reason).To(Equal(reason), cond.Message)
		}).Should(Succeed())
		return cond
	}
	// revisionReady waits until the revision's Ready condition has reason.
	revisionReady := func(ns, name, reason string) *metav1.Condition {
		GinkgoHelper()
		var cond *metav1.Condition
		Eventually(func(g Gomega) {
			pr := &porchv1alpha1.PackageRevision{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, pr)).To(Succeed())
			cond = meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
			g.Expect(cond).NotTo(BeNil())
			g.Expect(cond.Reason).To(Equal(reason), cond.Message)
		}).Should(Succeed())
		return cond
	}
	// eventNotes are the notes of the namespace's Events about name, once
	// there is one with reason.
	eventNotes := func(ns, name, reason string) []string {
		GinkgoHelper()
		var notes []string
		Eventually(func(g Gomega) {
			events := &eventsv1.EventList{}
			g.Expect(k8s.List(ctx, events, client.InNamespace(ns))).To(Succeed())
			notes = nil
			found := false
			for _, e := range events.Items {
				if e.Regarding.Name == name {
					notes = append(notes, e.Note)
					found = found || e.Reason == reason
				}
			}
			g.Expect(found).To(BeTrue(), "no %s event about %s among %v", reason, name, notes)
		}).Should(Succeed())
		return notes
	}

	It("refuses a user naming a Secret the user may not read, in a Repository and in a clone task, and admits the user once allowed", func() {
		ns := newNamespace()
		remote := authoringRepositories(ns, "deploy")
		w := newGitWork(remote("external"))
		w.write(map[string]string{"pkgs/web/Kptfile": minimalKptfile("web"), "pkgs/web/cm.yaml": configMap("web", "v1")})
		w.commit("Add web", nil)
		w.push("main")

		const user = "mallory"
		grant(ns, user, "author", rbacv1.PolicyRule{APIGroups: []string{"porch.kpt.dev"}, Resources: []string{"packagerevisions"},
			Verbs: []string{"get", "list", "watch", "create"}})
		grant(ns, user, "registrar", rbacv1.PolicyRule{APIGroups: []string{"config.porch.kpt.dev"}, Resources: []string{"repositories"},
			Verbs: []string{"get", "list", "watch", "create"}})
		mallory := impersonating(user)

		By("naming Secret auth, which the user may not read, in a Repository pointing at a remote of the user's choosing")
		stolen := gitRepository(ns, "stolen", withoutCredentials(remote("stolen")), "auth")
		refused(mallory.Create(ctx, stolen), apierrors.IsForbidden,
			`spec.git.secretRef.name: user "mallory" may not get Secret "auth" in namespace `+ns,
			"naming a Secret needs the permission get on it")
		Expect(apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(stolen), &configv1alpha1.Repository{}))).To(BeTrue())

		By("naming it in a clone from a git URL")
		clone := newRevision(ns, "deploy", "web", "v1", cloneFromGit(withoutCredentials(remote("external")), "auth"))
		refused(mallory.Create(ctx, clone), apierrors.IsForbidden,
			`spec.tasks[0].clone.upstreamRef.git.secretRef.name: user "mallory" may not get Secret "auth" in namespace `+ns)
		Expect(apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(clone), &porchv1alpha1.PackageRevision{}))).To(BeTrue())

		By("the same user, once allowed to get the Secret, is admitted")
		grant(ns, user, "secret-reader", rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"},
			ResourceNames: []string{"auth"}, Verbs: []string{"get"}})
		Eventually(func() error { return mallory.Create(ctx, stolen.DeepCopy()) }).Should(Succeed())
		Eventually(readyReason(stolen)).Should(Equal(configv1alpha1.ReasonReady))
		Eventually(func() error { return mallory.Create(ctx, clone.DeepCopy()) }).Should(Succeed())
		settled(ns, clone.Name)

		By("the clone's committed Kptfile records the upstream without credentials")
		work := newGitWork(remote("deploy"))
		work.git("fetch", "-q", work.remote, "drafts/web/v1")
		committed := work.git("show", "FETCH_HEAD:web/Kptfile")
		Expect(committed).To(ContainSubstring("repo: " + withoutCredentials(remote("external"))))
		Expect(committed).NotTo(Or(ContainSubstring(gitPassword), ContainSubstring(gitUser+":"), ContainSubstring("@")))
	})

	It("refuses file:// and bare paths as remotes at admission, and the controllers refuse them when admission is bypassed", func() {
		By("another tenant's repository, mirrored under the manager's cache folder")
		victimNS, victimGit := gitNamespace()
		publishOne(authURL(victimGit, "vault"))
		victim := register(victimNS, "vault", victimGit.RepoURL("vault"), "")
		Eventually(readyReason(victim)).Should(Equal(configv1alpha1.ReasonReady))
		Eventually(revisionRows(victimNS, "vault")).ShouldNot(BeEmpty())
		victimRows := revisionRows(victimNS, "vault")()
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(victim), victim)).To(Succeed())
		mirror := filepath.Join(cacheDir, "git", string(victim.UID))
		Expect(mirror).To(BeADirectory())

		ns := newNamespace()
		authoringRepositories(ns, "deploy")

		By("a user registering the mirror as file://, and cloning from it as file:// and as a bare path")
		refused(k8s.Create(ctx, gitRepository(ns, "stolen", "file://"+mirror, "")), apierrors.IsInvalid,
			`spec.git.repo: Invalid value: "file://`+mirror+`"`, "is a path on the manager's disk")
		for _, path := range []string{"file://" + mirror, mirror} {
			refused(k8s.Create(ctx, newRevision(ns, "deploy", "web", "v1", cloneFromGit(path, ""))), apierrors.IsInvalid,
				"spec.tasks[0].clone.upstreamRef.git.repo", "is a path on the manager's disk")
		}

		By("the same Repository and clone written past admission (as the manager's own user, which the webhooks let through)")
		stolen := gitRepository(ns, "stolen", "file://"+mirror, "")
		stolen.Spec.Git.CreateBranch = false
		Expect(sys.Create(ctx, stolen)).To(Succeed())
		cond := readyCondition(stolen, configv1alpha1.ReasonInvalidSpec)
		Expect(cond.Status).To(Equal(metav1.ConditionFalse))
		Expect(cond.Message).To(And(ContainSubstring("spec.git.repo: remote not allowed"), ContainSubstring("is a path on the manager's disk")))
		for _, path := range []string{"file://" + mirror, mirror} {
			name := "bare"
			if strings.HasPrefix(path, "file://") {
				name = "url"
			}
			Expect(sys.Create(ctx, newRevision(ns, "deploy", "web", name, cloneFromGit(path, "")))).To(Succeed())
			msg := revisionReady(ns, "deploy.web."+name, porchv1alpha1.ReasonTaskFailed).Message
			Expect(msg).To(And(ContainSubstring("spec.tasks[0].clone.upstreamRef.git.repo: remote not allowed"), ContainSubstring("manager's disk")))
		}
		Consistently(revisionRows(ns, "stolen"), "3s").Should(BeEmpty())

		By("the other tenant's repository is untouched")
		Expect(readyReason(victim)()).To(Equal(configv1alpha1.ReasonReady))
		Expect(revisionRows(victimNS, "vault")()).To(Equal(victimRows))
	})

	It("refuses a URL with credentials in it, pointing at secretRef, and the controller refuses one written past admission without showing it", func() {
		ns, srv := gitNamespace()
		withPassword := authURL(srv, "embedded")
		refused(k8s.Create(ctx, gitRepository(ns, "embedded", withPassword, "")), apierrors.IsInvalid,
			`spec.git.repo: Invalid value: "`+srv.RepoURL("embedded")+`"`, "carries user info in the URL; put the credentials in a Secret and name it in secretRef")
		err := k8s.Create(ctx, newRevision(ns, "deploy", "web", "v1", cloneFromGit(withPassword, "")))
		refused(err, apierrors.IsInvalid, "spec.tasks[0].clone.upstreamRef.git.repo", "name it in secretRef")
		Expect(err.Error()).NotTo(ContainSubstring(gitPassword))

		repo := gitRepository(ns, "embedded", withPassword, "")
		Expect(sys.Create(ctx, repo)).To(Succeed())
		cond := readyCondition(repo, configv1alpha1.ReasonInvalidSpec)
		Expect(cond.Message).To(ContainSubstring("carries user info in the URL"))
		for _, note := range append(eventNotes(ns, repo.Name, configv1alpha1.ReasonInvalidSpec), cond.Message) {
			Expect(note).NotTo(ContainSubstring(gitPassword))
		}
	})

	It("never shows a password of 1 or 3 characters in the condition or Events of a failing Repository, even when the remote echoes it", func() {
		ns := newNamespace()
		const sentinel = "SENTINEL-GIT-ANSWER"
		echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			user, pass, _ := r.BasicAuth()
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprintf(w, "%s: wrong password for %s: password=%s (Authorization: %s)", sentinel, user, pass, r.Header.Get("Authorization"))
		}))
		DeferCleanup(echo.Close)
		for name, password := range map[string]string{"one": "~", "three": "^|~"} {
			Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Type: corev1.SecretTypeBasicAuth,
				StringData: map[string]string{"username": gitUser, "password": password}})).To(Succeed())
			repo := gitRepository(ns, name, echo.URL+"/"+name+".git", name)
			Expect(k8s.Create(ctx, repo)).To(Succeed())
			cond := readyCondition(repo, configv1alpha1.ReasonAuthenticationFailed)
			Expect(cond.Message).To(ContainSubstring("check the username and password"))
			for _, text := range append(eventNotes(ns, name, configv1alpha1.ReasonAuthenticationFailed), cond.Message) {
				Expect(text).NotTo(Or(ContainSubstring(password), ContainSubstring(sentinel), ContainSubstring("Basic ")), "password %q", password)
			}
		}
	})

	It("reports a failed OCI probe by its status code, never the registry's answer", func() {
		ns := newNamespace()
		const sentinel = "SENTINEL-REGISTRY-ANSWER"
		registry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(sentinel + ": internal details of the registry"))
		}))
		DeferCleanup(registry.Close)
		repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "images", Namespace: ns}, Spec: configv1alpha1.RepositorySpec{
			Type: configv1alpha1.RepositoryTypeOCI, Oci: &configv1alpha1.OciRepository{Registry: strings.TrimPrefix(registry.URL, "http://") + "/packages"}}}
		Expect(k8s.Create(ctx, repo)).To(Succeed())
		cond := readyCondition(repo, configv1alpha1.ReasonUnreachable)
		Expect(cond.Message).To(ContainSubstring("answered HTTP 500 Internal Server Error"))
		for _, text := range append(eventNotes(ns, repo.Name, configv1alpha1.ReasonUnreachable), cond.Message) {
			Expect(text).NotTo(ContainSubstring(sentinel))
		}
	})
})
