package envtest

import (
	"maps"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// These specs are the attack of someone who can write the status of
// PackageRevisions and PackageRevisionResources: planting files in the
// status of a Published revision's resources, which is what users and
// tools read as its content, or saying a revision is rendered when it is
// not. The manager's own user (sys), which the webhooks let through, stands
// for such a writer where a spec shows what the product does with a status
// forged all the same; the administrator (k8s) is a user, whom the webhooks
// now refuse.
var _ = Describe("Forged status", func() {
	const forgedFile = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: forged\ndata:\n  planted: \"true\"\n"
	forgedCommit := strings.Repeat("0", 40)
	var (
		ns     string
		remote func(string) string
	)
	BeforeEach(func() {
		ns = newNamespace()
		remote = authoringRepositories(ns, "u", "d")
	})

	// fetched fetches a remote ref into a new work tree, whose FETCH_HEAD it is.
	fetched := func(repo, ref string) *gitWork {
		GinkgoHelper()
		w := newGitWork(remote(repo))
		w.git("fetch", "-q", remote(repo), ref)
		return w
	}
	// filesAt lists the files of folder dir at a remote ref, relative to it.
	filesAt := func(repo, ref, dir string) []string {
		GinkgoHelper()
		var files []string
		for _, f := range strings.Fields(fetched(repo, ref).git("ls-tree", "-r", "--name-only", "FETCH_HEAD", "--", dir+"/")) {
			files = append(files, strings.TrimPrefix(f, dir+"/"))
		}
		return files
	}
	// settledSync waits until a sync of the Repository asked now is
	// complete, so that no sync of the revisions made so far is pending.
	settledSync := func(name string) time.Time {
		GinkgoHelper()
		repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		at := runOnce(repo)
		syncedOnce(repo, at)
		return at.Time
	}
	// forgeResources changes the status of a revision's resources as the
	// manager's user, and checks that the apiserver holds the forgery.
	forgeResources := func(name string, forge func(*porchv1alpha1.PackageRevisionResourcesStatus)) {
		GinkgoHelper()
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			prr := &porchv1alpha1.PackageRevisionResources{}
			if err := sys.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr); err != nil {
				return err
			}
			forge(&prr.Status)
			return sys.Status().Update(ctx, prr)
		})).To(Succeed())
		Expect(resourcesOf(ns, name)).To(HaveKeyWithValue("forged.yaml", forgedFile))
	}
	plant := func(s *porchv1alpha1.PackageRevisionResourcesStatus) {
		s.Resources["forged.yaml"] = forgedFile
		s.Commit = forgedCommit
	}

	It("clones, edits and upgrades from the committed content of the revision's tag, not from a status forged on its resources", func() {
		upstream := publishNew(ns, "u", "base", "v1")
		settledSync("u")
		tagCommit := fetched("u", "refs/tags/base/v1").git("rev-parse", "FETCH_HEAD^{commit}")

		forgeResources(upstream.Name, plant)
		clone := created(k8s, newRevision(ns, "d", "app", "v1", clonedFrom(upstream.Name)))
		settled(ns, clone.Name)
		Expect(resourcesOf(ns, upstream.Name)).To(HaveKey("forged.yaml"), "the forged status was still there when the clone read its upstream")

		Expect(filesAt("d", "refs/heads/drafts/app/v1", "app")).To(And(ContainElement("Kptfile"), Not(ContainElement("forged.yaml"))))
		Expect(resourcesOf(ns, clone.Name)).NotTo(HaveKey("forged.yaml"))
		kptfile := fetched("d", "refs/heads/drafts/app/v1").git("show", "FETCH_HEAD:app/Kptfile")
		Expect(kptfile).To(ContainSubstring("commit: " + tagCommit))
		Expect(kptfile).NotTo(ContainSubstring(forgedCommit))

		By("an edit of the forged revision starts from git too")
		forgeResources(upstream.Name, plant)
		edit := created(k8s, newRevision(ns, "u", "base", "v2", func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeEdit,
				Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: upstream.Name}}}}
		}))
		settled(ns, edit.Name)
		Expect(filesAt("u", "refs/heads/drafts/base/v2", "base")).NotTo(ContainElement("forged.yaml"))
		Expect(resourcesOf(ns, edit.Name)).NotTo(HaveKey("forged.yaml"))

		By("an upgrade reads its three revisions from git")
		for _, name := range []string{edit.Name, clone.Name} {
			moveTo(k8s, ns, name, porchv1alpha1.PackageRevisionLifecycleProposed)
			moveTo(k8s, ns, name, porchv1alpha1.PackageRevisionLifecyclePublished)
		}
		settledSync("u")
		settledSync("d")
		for _, name := range []string{upstream.Name, edit.Name, clone.Name} {
			forgeResources(name, plant)
		}
		upgrade := created(k8s, newRevision(ns, "d", "app", "v2", func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeUpgrade, Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{
				OldUpstream: porchv1alpha1.PackageRevisionRef{Name: upstream.Name}, NewUpstream: porchv1alpha1.PackageRevisionRef{Name: edit.Name},
				LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: clone.Name}}}}
		}))
		settled(ns, upgrade.Name)
		Expect(resourcesOf(ns, edit.Name)).To(HaveKey("forged.yaml"), "the forged status was still there when the upgrade read its new upstream")
		Expect(filesAt("d", "refs/heads/drafts/app/v2", "app")).To(And(ContainElement("Kptfile"), Not(ContainElement("forged.yaml"))))
		Expect(resourcesOf(ns, upgrade.Name)).NotTo(HaveKey("forged.yaml"))
		v2Commit := fetched("u", "refs/tags/base/v2").git("rev-parse", "FETCH_HEAD^{commit}")
		Expect(fetched("d", "refs/heads/drafts/app/v2").git("show", "FETCH_HEAD:app/Kptfile")).To(ContainSubstring("commit: " + v2Commit))
	})

	It("refuses a user's write of the status of either kind, naming the field, and lets the manager write it", func() {
		published := publishNew(ns, "u", "base", "v1")
		prr := resourcesFor(published)

		forged := prr.DeepCopy()
		forged.Status.Resources["forged.yaml"] = forgedFile
		forged.Status.Commit = forgedCommit
		refused(k8s.Status().Patch(ctx, forged, client.MergeFrom(prr)), apierrors.IsInvalid,
			"status.resources: Forbidden: written only by the system", "status.commit: Forbidden", "a user changes the files of a Draft through spec.resources")
		Expect(resourcesOf(ns, published.Name)).NotTo(HaveKey("forged.yaml"))

		pr := revision(ns, published.Name)
		claimed := pr.DeepCopy()
		claimed.Status.ObservedGeneration = pr.Generation + 1
		claimed.Status.PublishedBy = "someone-else"
		meta.SetStatusCondition(&claimed.Status.Conditions, metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: "Forged"})
		refused(k8s.Status().Patch(ctx, claimed, client.MergeFrom(pr)), apierrors.IsInvalid,
			"status.conditions[Ready]: Forbidden: the Ready condition is written only by the system",
			"status.observedGeneration: Forbidden", "status.publishedBy: Forbidden")
		gated := pr.DeepCopy()
		gated.Status.PackageConditions = []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "True"}}
		refused(k8s.Status().Patch(ctx, gated, client.MergeFrom(pr)), apierrors.IsInvalid,
			`status.packageConditions: Forbidden: the package's conditions are a Draft's to change, and PackageRevision "u.base.v1" is Published`)
		now := revision(ns, published.Name)
		Expect(now.Status.PublishedBy).NotTo(Equal("someone-else"))
		Expect(meta.FindStatusCondition(now.Status.Conditions, porchv1alpha1.ConditionReady).Reason).NotTo(Equal("Forged"))
		Expect(now.Status.PackageConditions).To(BeEmpty())

		By("a Draft's package conditions, and its conditions other than the system's, are its users'")
		draft := settled(ns, created(k8s, newRevision(ns, "d", "app", "v1")).Name)
		// As a checking controller writes them: on the revision as read,
		// again when the system wrote it meanwhile.
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			reviewed := &porchv1alpha1.PackageRevision{}
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(draft), reviewed)).To(Succeed())
			reviewed.Status.PackageConditions = []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "True", Reason: "Reviewed"}}
			meta.SetStatusCondition(&reviewed.Status.Conditions, metav1.Condition{Type: "example.com/scanned", Status: metav1.ConditionTrue, Reason: "Scanned"})
			return k8s.Status().Update(ctx, reviewed)
		})).To(Succeed())
		Expect(meta.IsStatusConditionTrue(revision(ns, draft.Name).Status.Conditions, "example.com/scanned")).To(BeTrue())

		By("the manager writes what it likes")
		Expect(sys.Status().Patch(ctx, forged, client.MergeFrom(prr))).To(Succeed())
		Expect(resourcesOf(ns, published.Name)).To(HaveKey("forged.yaml"))
	})

	It("puts back a status forged on a revision's resources at the next sync, though the refs did not move, and writes nothing else", func() {
		// Published after an edit, so that its resources keep a
		// spec.resources: with its observed generation forged, the status
		// looks like an edit still to be committed, which a sync leaves alone.
		pr := created(k8s, newRevision(ns, "u", "base", "v1"))
		prr := resourcesFor(settled(ns, pr.Name))
		files := maps.Clone(prr.Status.Resources)
		files["cm.yaml"] = configMap("base", "v1")
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), prr)).To(Succeed())
			prr.Spec.Resources = files
			return k8s.Update(ctx, prr)
		})).To(Succeed())
		settled(ns, pr.Name)
		moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
		moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecyclePublished)
		last := settledSync("u")
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), prr)).To(Succeed())
		want := prr.Status
		Expect(want.Resources).To(HaveKey("cm.yaml"))
		before := resourceVersions(ns)()

		restored := func(g Gomega) {
			got := &porchv1alpha1.PackageRevisionResources{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), got)).To(Succeed())
			g.Expect(got.Status.Resources).To(Equal(want.Resources))
			g.Expect(got.Status.Commit).To(Equal(want.Commit))
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
		}

		By("an ordinary sync, which finds the refs as they were")
		forgeResources(pr.Name, plant)
		syncRequests.Request(ns, "u")
		Eventually(restored).Should(Succeed())
		after := resourceVersions(ns)()
		for name, version := range before {
			if name != "*v1alpha1.PackageRevisionResources/"+pr.Name {
				Expect(after[name]).To(Equal(version), "%s was written", name)
			}
		}

		By("a sync asked for by runOnceAt, of resources forged to look like an edit not committed yet")
		forgeResources(pr.Name, func(s *porchv1alpha1.PackageRevisionResourcesStatus) {
			plant(s)
			s.ObservedGeneration = 0
		})
		Eventually(func() bool { return time.Now().Truncate(time.Second).After(last) }).Should(BeTrue()) // runOnceAt counts seconds
		settledSync("u")
		Eventually(restored).Should(Succeed())
	})

	It("keeps the render gate to what the controller observed: a user can neither say an edit is rendered nor a revision Ready", func() {
		down := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "down"}, Spec: configv1alpha1.RepositorySpec{
			Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: "http://127.0.0.1:1/down.git"}}}
		Expect(k8s.Create(ctx, down)).To(Succeed())

		By("a revision its controller never processed, claimed Ready")
		waiting := created(k8s, newRevision(ns, "down", "app", "v1"))
		claimed := waiting.DeepCopy()
		claimed.Status.ObservedGeneration = waiting.Generation
		meta.SetStatusCondition(&claimed.Status.Conditions, metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonReady})
		refused(k8s.Status().Patch(ctx, claimed, client.MergeFrom(waiting)), apierrors.IsInvalid,
			"status.conditions[Ready]: Forbidden", "status.observedGeneration: Forbidden")
		refused(changed(k8s, waiting, func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecycleProposed
		}),
			apierrors.IsConflict, "spec.lifecycle: rendering in progress, retry")

		By("a Draft's next edit claimed rendered before it is written")
		pr := settled(ns, created(k8s, newRevision(ns, "u", "app", "v1")).Name)
		prr := resourcesFor(pr)
		claimedResources := prr.DeepCopy()
		claimedResources.Status.ObservedGeneration = prr.Generation + 1
		refused(k8s.Status().Patch(ctx, claimedResources, client.MergeFrom(prr)), apierrors.IsInvalid,
			"status.observedGeneration: Forbidden: written only by the system")
		files := maps.Clone(prr.Status.Resources)
		files["cm.yaml"] = configMap("app", "v2")
		Expect(changed(k8s, prr, func(prr *porchv1alpha1.PackageRevisionResources) { prr.Spec.Resources = files })).To(Succeed())

		// The proposal goes through once the controller committed the edit,
		// and what is proposed holds it.
		moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
		Expect(filesAt("u", "refs/heads/proposed/app/v1", "app")).To(ContainElement("cm.yaml"))
	})
})
