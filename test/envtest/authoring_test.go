package envtest

import (
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
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
	// writeResources replaces a draft's spec.resources, retrying when the
	// system wrote the object between the read and the write.
	writeResources := func(name string, files map[string]string) {
		GinkgoHelper()
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			prr := &porchv1alpha1.PackageRevisionResources{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr); err != nil {
				return err
			}
			prr.Spec.Resources = files
			return k8s.Update(ctx, prr)
		})).To(Succeed())
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
		writeResources("blueprints.basens.first", files)
		Eventually(func(g Gomega) {
			got := resources("blueprints.basens.first")
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.Resources).To(HaveKeyWithValue("cm.yaml", files["cm.yaml"]))
		}).Should(Succeed())
		Expect(subject("refs/heads/drafts/basens/first")).To(Equal("Applying patch to package"))

		By("a render that fails commits nothing")
		head := subject("refs/heads/drafts/basens/first")
		bad := map[string]string{}
		for k, v := range files {
			bad[k] = v
		}
		bad["Kptfile"] = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: [not, a, map\n"
		writeResources("blueprints.basens.first", bad)
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
		// Rendered describes the committed content, which is unchanged.
		Expect(meta.IsStatusConditionTrue(pr.Status.Conditions, porchv1alpha1.ConditionRendered)).To(BeTrue())
		writeResources("blueprints.basens.first", files)
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
		Expect(refs()).To(Equal([]string{"porch/revisions/basens", "tags/basens/v1"}))
		Expect(subject("refs/tags/basens/v1")).To(Equal("Approving package revision basens/1"))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.first"}))
		// The edit committed before stays acted upon: the sync's own change
		// of the resources' spec (the revision number) is no new edit.
		Eventually(func(g Gomega) {
			got := resources("blueprints.basens.first")
			g.Expect(got.Spec.Revision).To(Equal(1))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.RenderStatus.Err).To(BeEmpty())
		}).Should(Succeed())
		Consistently(func() string { return resources("blueprints.basens.first").Status.RenderStatus.Err }, 2*time.Second).Should(BeEmpty())

		By("copy it into a second revision and approve that: the latest moves")
		newRevision("second", porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
			Source: &porchv1alpha1.PackageRevisionRef{Name: "blueprints.basens.first"}}})
		settled(ns, "blueprints.basens.second")
		Expect(subject("refs/heads/drafts/basens/second")).To(Equal("Creating new revision by copying previous revision"))
		Expect(resources("blueprints.basens.second").Status.Resources).To(HaveKeyWithValue("cm.yaml", files["cm.yaml"]))
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecycleProposed)
		second := setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(second.Spec.Revision).To(Equal(2))
		Expect(refs()).To(Equal([]string{"porch/revisions/basens", "tags/basens/v1", "tags/basens/v2"}))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.second"}))

		By("propose deletion, reject it, propose it again, delete: the latest stays until the deletion, then moves back")
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
		Expect(refs()).To(Equal([]string{"deletionProposed/basens/v2", "porch/revisions/basens", "tags/basens/v1", "tags/basens/v2"}))
		repo := repositoryNamed(ns, "blueprints")
		syncedOnce(repo, runOnce(repo))
		Expect(latest()).To(Equal([]string{"blueprints.basens.second"}), "a revision proposed for deletion is still the latest, as upstream shows it")
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(refs()).To(Equal([]string{"porch/revisions/basens", "tags/basens/v1", "tags/basens/v2"}))
		setLifecycle("blueprints.basens.second", porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
		Expect(k8s.Delete(ctx, &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: "blueprints.basens.second", Namespace: ns}})).To(Succeed())
		Eventually(refs).Should(Equal([]string{"porch/revisions/basens", "tags/basens/v1"}))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.first"}))

		By("approve another revision: it takes number 3, the deleted 2 stays burnt")
		newRevision("third", porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
			Source: &porchv1alpha1.PackageRevisionRef{Name: "blueprints.basens.first"}}})
		settled(ns, "blueprints.basens.third")
		setLifecycle("blueprints.basens.third", porchv1alpha1.PackageRevisionLifecycleProposed)
		third := setLifecycle("blueprints.basens.third", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(third.Spec.Revision).To(Equal(3))
		Expect(refs()).To(Equal([]string{"porch/revisions/basens", "tags/basens/v1", "tags/basens/v3"}))
		Eventually(latest).Should(Equal([]string{"blueprints.basens.third"}))
	})
})

var _ = Describe("Authoring across revisions", func() {
	var (
		ns     string
		remote func(string) string
	)
	BeforeEach(func() {
		ns = newNamespace()
		remote = authoringRepositories(ns, "u", "l")
	})

	// files is what a revision's resources hold, committed.
	files := func(name string) map[string]string {
		GinkgoHelper()
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr)).To(Succeed())
		return prr.Status.Resources
	}
	// editFiles replaces a draft's content with change applied to what is committed.
	editFiles := func(name string, change func(map[string]string)) {
		GinkgoHelper()
		Eventually(func() error {
			prr := &porchv1alpha1.PackageRevisionResources{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr); err != nil {
				return err
			}
			prr.Spec.Resources = map[string]string{}
			for k, v := range prr.Status.Resources {
				prr.Spec.Resources[k] = v
			}
			change(prr.Spec.Resources)
			return k8s.Update(ctx, prr)
		}).Should(Succeed())
		settled(ns, name)
	}
	publish := func(name string) *porchv1alpha1.PackageRevision {
		GinkgoHelper()
		moveTo(k8s, ns, name, porchv1alpha1.PackageRevisionLifecycleProposed)
		return moveTo(k8s, ns, name, porchv1alpha1.PackageRevisionLifecyclePublished)
	}
	task := func(t porchv1alpha1.Task) func(*porchv1alpha1.PackageRevision) {
		return func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Tasks = []porchv1alpha1.Task{t} }
	}
	editOf := func(source string) func(*porchv1alpha1.PackageRevision) {
		return task(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: source}}})
	}
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n  size: small\n"

	It("clones from a published revision, and upgrades the clone: the local change stays and the upstream change comes in", func() {
		base := publishNew(ns, "u", "base", "v1")
		Expect(files(base.Name)).NotTo(HaveKey("cm.yaml"))

		By("upstream v2 adds a ConfigMap")
		Expect(k8s.Create(ctx, newRevision(ns, "u", "base", "v2", editOf(base.Name)))).To(Succeed())
		settled(ns, "u.base.v2")
		editFiles("u.base.v2", func(f map[string]string) { f["cm.yaml"] = cm })
		publish("u.base.v2")

		By("a clone of v2, changed locally")
		Expect(k8s.Create(ctx, newRevision(ns, "l", "app", "v1", clonedFrom("u.base.v2")))).To(Succeed())
		settled(ns, "l.app.v1")
		kf := files("l.app.v1")["Kptfile"]
		Expect(kf).To(And(ContainSubstring("upstreamLock:"), ContainSubstring("ref: base/v2"), ContainSubstring(remote("u")[len("http://porch:s3cret-git-password@"):])))
		Expect(files("l.app.v1")["cm.yaml"]).To(ContainSubstring("color: blue"))
		editFiles("l.app.v1", func(f map[string]string) {
			f["cm.yaml"] = strings.Replace(f["cm.yaml"], "color: blue", "color: green", 1)
		})
		publish("l.app.v1")

		By("upstream v3 changes another field")
		Expect(k8s.Create(ctx, newRevision(ns, "u", "base", "v3", editOf("u.base.v2")))).To(Succeed())
		settled(ns, "u.base.v3")
		editFiles("u.base.v3", func(f map[string]string) {
			f["cm.yaml"] = strings.Replace(f["cm.yaml"], "size: small", "size: large", 1)
		})
		publish("u.base.v3")

		By("upgrading the clone from v2 to v3")
		Expect(k8s.Create(ctx, newRevision(ns, "l", "app", "v2", task(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeUpgrade, Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{
			OldUpstream: porchv1alpha1.PackageRevisionRef{Name: "u.base.v2"}, NewUpstream: porchv1alpha1.PackageRevisionRef{Name: "u.base.v3"},
			LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: "l.app.v1"}}})))).To(Succeed())
		settled(ns, "l.app.v2")
		upgraded := files("l.app.v2")
		Expect(upgraded["cm.yaml"]).To(And(ContainSubstring("color: green"), ContainSubstring("size: large")))
		Expect(upgraded["Kptfile"]).To(ContainSubstring("ref: base/v3"))
	})

	It("clones a package from a git URL", func() {
		w := newGitWork(remote("external"))
		w.write(map[string]string{"pkgs/web/Kptfile": minimalKptfile("web"), "pkgs/web/cm.yaml": cm})
		commit := w.commit("Add web", nil)
		w.push("main")
		Expect(k8s.Create(ctx, newRevision(ns, "l", "web", "v1", task(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
			Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeGit, Git: &porchv1alpha1.GitPackage{
				Repo: strings.Replace(remote("external"), "porch:s3cret-git-password@", "", 1), Ref: "main", Directory: "pkgs/web",
				SecretRef: porchv1alpha1.SecretRef{Name: "auth"}}}}})))).To(Succeed())
		settled(ns, "l.web.v1")
		got := files("l.web.v1")
		// kpt's merge-key comments mark the resources' upstream identity.
		Expect(got["cm.yaml"]).To(And(ContainSubstring("color: blue"), ContainSubstring("kpt-merge: /settings")))
		Expect(got["Kptfile"]).To(And(ContainSubstring("directory: /pkgs/web"), ContainSubstring("commit: "+commit)))
	})

	It("gives 20 revisions of one package approved at once 20 numbers and 20 tags", func() {
		const n = 20
		base := publishNew(ns, "u", "base", "v1")
		for i := range n {
			Expect(k8s.Create(ctx, newRevision(ns, "u", "base", fmt.Sprintf("e%d", i), editOf(base.Name)))).To(Succeed())
		}
		for i := range n {
			name := fmt.Sprintf("u.base.e%d", i)
			settled(ns, name)
			moveTo(k8s, ns, name, porchv1alpha1.PackageRevisionLifecycleProposed)
		}
		By("approving all of them at once")
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				// As any client, retry when the object moved under the update.
				Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
					pr := &porchv1alpha1.PackageRevision{}
					if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: fmt.Sprintf("u.base.e%d", i)}, pr); err != nil {
						return err
					}
					pr.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
					return k8s.Update(ctx, pr)
				})).To(Succeed())
			}()
		}
		wg.Wait()
		numbers := map[int]string{}
		for i := range n {
			pr := settled(ns, fmt.Sprintf("u.base.e%d", i))
			Expect(numbers).NotTo(HaveKey(pr.Spec.Revision), "two revisions got number %d", pr.Spec.Revision)
			numbers[pr.Spec.Revision] = pr.Name
		}
		for rev := 2; rev <= n+1; rev++ {
			Expect(numbers).To(HaveKey(rev))
		}
		out, err := exec.Command("git", "ls-remote", "--tags", remote("u")).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)
		Expect(strings.Count(string(out), "refs/tags/base/v")).To(Equal(n + 1))
		Eventually(func() []string {
			list := &porchv1alpha1.PackageRevisionList{}
			Expect(k8s.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{porchv1alpha1.LatestPackageRevisionKey: "true"})).To(Succeed())
			var latest []string
			for _, pr := range list.Items {
				latest = append(latest, pr.Name)
			}
			return latest
		}).Should(Equal([]string{numbers[n+1]}))
	})

	It("refuses bad requests at admission, leaving git as it was", func() {
		base := publishNew(ns, "u", "base", "v1")
		Expect(k8s.Create(ctx, newRevision(ns, "u", "base", "wip", editOf(base.Name)))).To(Succeed())
		settled(ns, "u.base.wip")
		lsRemote := func() string {
			out, err := exec.Command("git", "ls-remote", remote("u")).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), "%s", out)
			return string(out)
		}
		before := lsRemote()

		published := newRevision(ns, "u", "other", "v1")
		published.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
		Expect(apierrors.IsInvalid(k8s.Create(ctx, published))).To(BeTrue(), "create as Published")
		// Merge patches carry no resourceVersion: what refuses them is admission,
		// not a write of the system's in between.
		draft := settled(ns, "u.base.wip")
		toPublished := draft.DeepCopy()
		toPublished.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
		Expect(apierrors.IsInvalid(k8s.Patch(ctx, toPublished, client.MergeFrom(draft)))).To(BeTrue(), "Draft to Published")
		Expect(apierrors.IsAlreadyExists(k8s.Create(ctx, newRevision(ns, "u", "base", "wip", editOf(base.Name))))).To(BeTrue(), "a workspace taken")
		Expect(apierrors.IsInvalid(k8s.Create(ctx, newRevision(ns, "u", "base", "again", clonedFrom(base.Name))))).To(BeTrue(), "clone into an existing package")
		Expect(apierrors.IsInvalid(k8s.Create(ctx, newRevision(ns, "u", "base", "up", task(porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeUpgrade,
			Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{OldUpstream: porchv1alpha1.PackageRevisionRef{Name: base.Name},
				NewUpstream: porchv1alpha1.PackageRevisionRef{Name: base.Name}, LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: "u.base.wip"}}}))))).
			To(BeTrue(), "upgrade from a Draft")
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: base.Name}, prr)).To(Succeed())
		edited := prr.DeepCopy()
		edited.Spec.Resources = map[string]string{"Kptfile": "x"}
		Expect(apierrors.IsInvalid(k8s.Patch(ctx, edited, client.MergeFrom(prr)))).To(BeTrue(), "an edit of a Published revision's content")
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "u.base.wip"}, prr)).To(Succeed())
		for _, path := range []string{"../etc/passwd", "/etc/passwd"} {
			bad := prr.DeepCopy()
			bad.Spec.Resources = map[string]string{"Kptfile": prr.Status.Resources["Kptfile"], path: "x"}
			Expect(apierrors.IsInvalid(k8s.Patch(ctx, bad, client.MergeFrom(prr)))).To(BeTrue(), "file name %s", path)
		}
		Consistently(lsRemote, 2*time.Second).Should(Equal(before))
	})

	It("lets one of two writers racing on a draft win, and refuses the other with a conflict", func() {
		Expect(k8s.Create(ctx, newRevision(ns, "l", "app", "v1"))).To(Succeed())
		settled(ns, "l.app.v1")
		// Both writers read the same version; the first to write wins. Should
		// the system write in between, both read again.
		var second *porchv1alpha1.PackageRevisionResources
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			prr := &porchv1alpha1.PackageRevisionResources{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "l.app.v1"}, prr); err != nil {
				return err
			}
			first := prr.DeepCopy()
			second = prr.DeepCopy()
			first.Spec.Resources = map[string]string{"Kptfile": prr.Status.Resources["Kptfile"], "a.yaml": strings.Replace(cm, "settings", "a", 1)}
			second.Spec.Resources = map[string]string{"Kptfile": prr.Status.Resources["Kptfile"], "b.yaml": strings.Replace(cm, "settings", "b", 1)}
			return k8s.Update(ctx, first)
		})).To(Succeed())
		err := k8s.Update(ctx, second)
		Expect(apierrors.IsConflict(err)).To(BeTrue(), "want a 409, got %v", err)
		settled(ns, "l.app.v1")
		committed := files("l.app.v1")
		Expect(committed).To(HaveKey("a.yaml"))
		Expect(committed).NotTo(HaveKey("b.yaml"))
	})
})
