package envtest

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

var _ = Describe("Authoring at the edges", func() {
	var (
		ns     string
		remote func(string) string
	)
	BeforeEach(func() {
		ns = newNamespace()
		remote = authoringRepositories(ns, "u")
	})
	// head is the commit a ref of the remote points at; "" when absent.
	head := func(ref string) string {
		GinkgoHelper()
		for _, line := range strings.Split(gitOutput("ls-remote", remote("u")), "\n") {
			if hash, name, ok := strings.Cut(line, "\t"); ok && name == ref {
				return hash
			}
		}
		return ""
	}
	// edit replaces a draft's content and waits until it was acted upon.
	edit := func(name string, files map[string]string) *porchv1alpha1.PackageRevisionResources {
		GinkgoHelper()
		return editResources(client.ObjectKey{Namespace: ns, Name: name}, files)
	}

	// The attack: an edit whose function image is mistyped is refused, then
	// the unchanged Draft is proposed and approved. Its conditions must
	// describe what is committed, for the generation the object is at.
	It("keeps Rendered true to the committed content after a refused edit, and every condition at the object's generation", func() {
		Expect(k8s.Create(ctx, newRevision(ns, "u", "app", "v1"))).To(Succeed())
		settled(ns, "u.app.v1")
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "u.app.v1"}, prr)).To(Succeed())
		committed := prr.Status.Resources
		typo := map[string]string{}
		for k, v := range committed {
			typo[k] = v
		}
		typo["Kptfile"] += "pipeline:\n  mutators:\n    - image: example.com/set-labelz:v9.9\n"
		got := edit("u.app.v1", typo)
		Expect(got.Status.RenderStatus.Err).To(ContainSubstring("set-labelz"))
		Expect(got.Status.Resources).To(Equal(committed))

		for _, lifecycle := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecyclePublished} {
			pr := moveTo(k8s, ns, "u.app.v1", lifecycle)
			rendered := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionRendered)
			Expect(rendered).NotTo(BeNil())
			Expect(rendered.Status).To(Equal(metav1.ConditionTrue), "%s: %+v", lifecycle, rendered)
			Eventually(func(g Gomega) {
				g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr)).To(Succeed())
				for _, c := range pr.Status.Conditions {
					g.Expect(c.ObservedGeneration).To(Equal(pr.Generation), "%s: condition %s", lifecycle, c.Type)
				}
			}).Should(Succeed())
		}
	})

	It("commits nothing for an edit that changes nothing, and a failed render only when asked to", func() {
		Expect(k8s.Create(ctx, newRevision(ns, "u", "app", "v1"))).To(Succeed())
		settled(ns, "u.app.v1")
		draft := head("refs/heads/drafts/app/v1")
		Expect(draft).NotTo(BeEmpty())
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "u.app.v1"}, prr)).To(Succeed())
		committed := prr.Status.Resources

		By("an edit identical to what is committed")
		edit("u.app.v1", committed)
		Expect(head("refs/heads/drafts/app/v1")).To(Equal(draft))

		By("an edit whose pipeline fails: nothing committed")
		failing := map[string]string{}
		for k, v := range committed {
			failing[k] = v
		}
		failing["Kptfile"] = committed["Kptfile"] + "pipeline:\n  mutators:\n    - image: example.com/no-such-function:v1\n"
		got := edit("u.app.v1", failing)
		Expect(got.Status.RenderStatus).NotTo(BeNil())
		Expect(got.Status.RenderStatus.Err).To(ContainSubstring("no-such-function"))
		Expect(got.Status.Resources).To(Equal(committed))
		Expect(head("refs/heads/drafts/app/v1")).To(Equal(draft))

		By("the same edit with porch.kpt.dev/push-on-render-failure: committed, failure recorded")
		Eventually(func() error {
			pr := &porchv1alpha1.PackageRevision{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "u.app.v1"}, pr); err != nil {
				return err
			}
			if pr.Annotations == nil {
				pr.Annotations = map[string]string{}
			}
			pr.Annotations[porchv1alpha1.PushOnRenderFailureAnnotation] = "true"
			return k8s.Update(ctx, pr)
		}).Should(Succeed())
		failing["other.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n"
		got = edit("u.app.v1", failing)
		Expect(got.Status.RenderStatus.Err).To(ContainSubstring("no-such-function"))
		// Committed as pushed, but for the status the failed render
		// recorded in it, as kpt records it.
		Expect(got.Status.Resources["Kptfile"]).To(ContainSubstring("reason: RenderFailed"))
		pushed, err := kptfile.WithoutRenderStatus(failing["Kptfile"])
		Expect(err).NotTo(HaveOccurred())
		Expect(kptfile.WithoutRenderStatus(got.Status.Resources["Kptfile"])).To(Equal(pushed))
		Expect(head("refs/heads/drafts/app/v1")).NotTo(Equal(draft))
		pr := &porchv1alpha1.PackageRevision{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "u.app.v1"}, pr)).To(Succeed())
		Expect(meta.IsStatusConditionFalse(pr.Status.Conditions, porchv1alpha1.ConditionRendered)).To(BeTrue())
	})

	It("leaves no branch and no content behind when a task fails, and says why", func() {
		pr := newRevision(ns, "u", "far", "v1", func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
				Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeGit,
					Git: &porchv1alpha1.GitPackage{Repo: "http://127.0.0.1:1/nowhere.git", Ref: "main", Directory: "/"}}}}}
		})
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr)).To(Succeed())
			ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Status).To(Equal(metav1.ConditionFalse))
			g.Expect(ready.Message).To(ContainSubstring("127.0.0.1:1"))
		}).Should(Succeed())
		Expect(gitOutput("ls-remote", remote("u"))).NotTo(ContainSubstring("far"))
		prr := &porchv1alpha1.PackageRevisionResources{}
		err := k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr)
		if err == nil {
			Expect(prr.Status.Resources).To(BeEmpty())
		} else {
			Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%v", err)
		}
	})

	It("takes a package off the branch with a commit when its placeholder revision is deleted", func() {
		publishNew(ns, "u", "gone", "v1")
		placeholder := "u.gone.main"
		Eventually(func() error {
			return k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: placeholder}, &porchv1alpha1.PackageRevision{})
		}).Should(Succeed())
		before := head("refs/heads/main")
		Expect(k8s.Delete(ctx, &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: placeholder}})).To(Succeed())
		Eventually(func() string { return head("refs/heads/main") }).ShouldNot(Equal(before))
		clone := GinkgoT().TempDir()
		gitOutput("clone", "-q", remote("u"), clone)
		Expect(gitOutput("-C", clone, "ls-tree", "-r", "--name-only", "main")).NotTo(ContainSubstring("gone/"))
		Expect(gitOutput("-C", clone, "log", "-1", "--format=%s", "main")).NotTo(BeEmpty())
		// The published revision stays, tagged.
		Expect(head("refs/tags/gone/v1")).NotTo(BeEmpty())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: placeholder}, &porchv1alpha1.PackageRevision{}))
		}).Should(BeTrue())
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: fmt.Sprintf("u.gone.%s", "v1")}, &porchv1alpha1.PackageRevision{})).To(Succeed())
	})
})
