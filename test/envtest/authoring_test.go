package envtest

import (
	"os/exec"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var _ = Describe("Authoring", func() {
	var (
		ns     string
		remote string // with credentials, for the git CLI
	)

	BeforeEach(func() {
		ns = newNamespace()
		remote = authoringRepositories(ns, "blueprints")("blueprints")
	})

	// refs lists the remote's branches and tags other than main, sorted.
	refs := func() []string {
		out, err := exec.Command("git", "ls-remote", remote).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)
		var names []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			fields := strings.Fields(line)
			if len(fields) == 2 && fields[1] != "refs/heads/main" && fields[1] != "HEAD" {
				names = append(names, strings.TrimPrefix(strings.TrimPrefix(fields[1], "refs/heads/"), "refs/"))
			}
		}
		sort.Strings(names)
		return names
	}
	// subject is the first line of the message of a remote ref's commit.
	subject := func(ref string) string {
		w := newGitWork(remote)
		w.git("fetch", "-q", remote, ref)
		return w.git("log", "-1", "--format=%s", "FETCH_HEAD")
	}

	newRevision := func(workspace string, task porchv1alpha1.Task) *porchv1alpha1.PackageRevision {
		pr := &porchv1alpha1.PackageRevision{
			ObjectMeta: metav1.ObjectMeta{Name: "blueprints.basens." + workspace, Namespace: ns},
			Spec: porchv1alpha1.PackageRevisionSpec{PackageName: "basens", RepositoryName: "blueprints", WorkspaceName: workspace,
				Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, Tasks: []porchv1alpha1.Task{task}},
		}
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		return pr
	}
	setLifecycle := func(name string, lifecycle porchv1alpha1.PackageRevisionLifecycle) *porchv1alpha1.PackageRevision {
		GinkgoHelper()
		return moveTo(k8s, ns, name, lifecycle)
	}
	resources := func(name string) *porchv1alpha1.PackageRevisionResources {
		GinkgoHelper()
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr)).To(Succeed())
		return prr
	}
	latest := func() []string {
		list := &porchv1alpha1.PackageRevisionList{}
		Expect(k8s.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{porchv1alpha1.LatestPackageRevisionKey: "true"})).To(Succeed())
		var names []string
		for _, pr := range list.Items {
			names = append(names, pr.Name)
		}
		return names
	}

	It("takes a package from init through edit, proposal, rejection, approval, a second revision and deletion, as upstream writes git", func() {
		By("init")
		newRevision("first", porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: "base namespace"}})
		settled(ns, "blueprints.basens.first")
		Expect(refs()).To(Equal([]string{"drafts/basens/first"}))
		Expect(subject("refs/heads/drafts/basens/first")).To(Equal("Creating new empty revision"))
		prr := resources("blueprints.basens.first")
		Expect(prr.Status.Resources).To(HaveKey("Kptfile"))
		Expect(prr.Status.Resources["Kptfile"]).To(ContainSubstring("base namespace"))

		By("editing the content")
		files := prr.Status.Resources
		files["cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n"
		prr.Spec.Resources = files
		Expect(k8s.Update(ctx, prr)).To(Succeed())
		Eventually(func(g Gomega) {
			got := resources("blueprints.basens.first")
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.Resources).To(HaveKeyWithValue("cm.yaml", files["cm.yaml"]))
		}).Should(Succeed())
		Expect(subject("refs/heads/drafts/basens/first")).To(Equal("Applying patch to package"))

		By("a render that fails commits nothing")
		head := subject("refs/heads/drafts/basens/first")
		bad := resources("blueprints.basens.first")
		bad.Spec.Resources["Kptfile"] = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: [not, a, map\n"
		Expect(k8s.Update(ctx, bad)).To(Succeed())
		Eventually(func(g Gomega) {
			got := resources("blueprints.basens.first")
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.RenderStatus).NotTo(BeNil())
			g.Expect(got.Status.RenderStatus.Err).To(ContainSubstring("Kptfile"))
			g.Expect(got.Status.Resources).To(HaveKeyWithValue("Kptfile", files["Kptfile"]))
		}).Should(Succeed())
		Expect(subject("refs/heads/drafts/basens/first")).To(Equal(head))
		pr := &porchv1alpha1.PackageRevision{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "blueprints.basens.first"}, pr)).To(Succeed())
		Expect(meta.IsStatusConditionFalse(pr.Status.Conditions, porchv1alpha1.ConditionRendered)).To(BeTrue())
		good := resources("blueprints.basens.first")
		good.Spec.Resources = files
		Expect(k8s.Update(ctx, good)).To(Succeed())
		Eventually(func(g Gomega) {
			got := resources("blueprints.basens.first")
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.RenderStatus.Err).To(BeEmpty())
		}).Should(Succeed())

		By("propose, reject, propose")
		setLifecycle("blueprints.basens.first", porchv1alpha1.PackageRevisionLifecycleProposed)
		Expect(refs()).To(Equal([]string{"proposed/basens/first"}))
		setLifecycle("blueprints.basens.first", porchv1alpha1.PackageRevisionLifecycleDraft)
		Expect(refs()).To(Equal([]string{"drafts/basens/first"}))
		setLifecycle("blueprints.basens.first", porchv1alpha1.PackageRevisionLifecycleProposed)

		By("approve: revision 1, the latest")
		first := setLifecycle("blueprints.basens.first", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(first.Spec.Revision).To(Equal(1))
		Expect(first.Status.PublishedAt).NotTo(BeNil())
		Expect(refs()).To(Equal([]string{"tags/basens/v1"}))
		Expect(subject("refs/tags/basens/v1")).To(Equal("Approving package revision basens/1"))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.first"}))

		By("copy it into a second revision and approve that: the latest moves")
		newRevision("second", porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
			Source: &porchv1alpha1.PackageRevisionRef{Name: "blueprints.basens.first"}}})
		settled(ns, "blueprints.basens.second")
		Expect(subject("refs/heads/drafts/basens/second")).To(Equal("Creating new revision by copying previous revision"))
		Expect(resources("blueprints.basens.second").Status.Resources).To(HaveKeyWithValue("cm.yaml", files["cm.yaml"]))
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecycleProposed)
		second := setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(second.Spec.Revision).To(Equal(2))
		Expect(refs()).To(Equal([]string{"tags/basens/v1", "tags/basens/v2"}))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.second"}))

		By("propose deletion, reject it, propose it again, delete: the latest moves back")
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
		Expect(refs()).To(Equal([]string{"deletionProposed/basens/v2", "tags/basens/v1", "tags/basens/v2"}))
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(refs()).To(Equal([]string{"tags/basens/v1", "tags/basens/v2"}))
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
		Expect(k8s.Delete(ctx, &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: "blueprints.basens.second", Namespace: ns}})).To(Succeed())
		Eventually(refs).Should(Equal([]string{"tags/basens/v1"}))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.first"}))
	})
})
