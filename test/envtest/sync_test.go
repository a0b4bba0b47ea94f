package envtest

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/gitserver"
)

// The git layout of these fixtures is upstream Porch's: tags <path>/v<N>,
// branches drafts/<path>/<ws> and proposed/<path>/<ws>, and commit messages
// ending in kpt: annotations.
var _ = Describe("Repository sync", func() {
	var (
		ns  string
		srv *gitserver.Server
	)

	BeforeEach(func() { ns, srv = gitNamespace() })

	It("mirrors every package revision of an upstream-layout repository, whole or under a directory", func() {
		buildFixture(authURL(srv, "fixture"))
		all := register(ns, "all", srv.RepoURL("fixture"), "")
		// Overlapping registrations of one branch are refused within a namespace.
		scopedNS := namespaceWithAuth()
		scoped := register(scopedNS, "scoped", srv.RepoURL("fixture"), "/blueprints/")
		// Ready comes with the end of the first sync, statuses written.
		Eventually(readyReason(all)).Should(Equal(configv1alpha1.ReasonReady))
		Eventually(readyReason(scoped)).Should(Equal(configv1alpha1.ReasonReady))

		Expect(revisionRows(ns, "all")()).To(Equal([]string{
			"all.basens.first basens first 1 Published latest=false task=init",
			"all.basens.main basens main -1 Published latest=false task=",
			"all.basens.second basens second 2 Published latest=false task=",
			"all.basens.third basens third 3 Published latest=true task=",
			"all.basens.v2.0.0 basens v2.0.0 -1 Published latest=false task=",
			"all.basens.wip basens wip 0 Draft latest=false task=edit",
			"all.blueprints.nested.app.main blueprints/nested/app main -1 Published latest=false task=",
			"all.blueprints.nested.app.review blueprints/nested/app review 0 Proposed latest=false task=clone",
			"all.blueprints.nested.app.v1 blueprints/nested/app v1 1 Published latest=true task=",
			"all.huge.main huge main -1 Published latest=false task=",
		}))
		Expect(revisionRows(scopedNS, "scoped")()).To(Equal([]string{
			"scoped.nested.app.main nested/app main -1 Published latest=false task=",
			"scoped.nested.app.review nested/app review 0 Proposed latest=false task=clone",
			"scoped.nested.app.v1 nested/app v1 1 Published latest=true task=",
		}))
		Expect(packageRows(ns)()).To(Equal([]string{
			"all.basens basens all 3", "all.blueprints.nested.app blueprints/nested/app all 1", "all.huge huge all 0",
		}))
		Expect(packageRows(scopedNS)()).To(Equal([]string{"scoped.nested.app nested/app scoped 1"}))

		By("the files of each revision are in its PackageRevisionResources, malformed YAML included")
		Expect(resourcesOf(ns, "all.basens.first")).To(Equal(map[string]string{"Kptfile": minimalKptfile("basens"), "cm.yaml": configMap("basens", "v1")}))
		Expect(resourcesOf(ns, "all.basens.third")).To(Equal(map[string]string{"Kptfile": minimalKptfile("basens"), "cm.yaml": configMap("basens", "v3"), "broken.yaml": brokenYAML}))
		Expect(resourcesOf(ns, "all.basens.wip")).To(HaveKeyWithValue("cm.yaml", configMap("basens", "wip")))
		Expect(resourcesOf(scopedNS, "scoped.nested.app.v1")).To(Equal(map[string]string{
			"Kptfile": appKptfile, "deploy.yaml": configMap("app", "v1"), "db/Kptfile": minimalKptfile("db"), "db/db.yaml": configMap("db", "v1")}))
		Expect(resourcesOf(ns, "all.blueprints.nested.app.review")).To(HaveKeyWithValue("deploy.yaml", configMap("app", "review")))

		Expect(revision(scopedNS, "scoped.nested.app.v1").Status.PackageConditions).To(Equal([]porchv1alpha1.PackageCondition{
			{Type: "config.injection.ConfigMap.settings", Status: "True", Reason: "ConfigInjected"}}))

		By("a package over the content limit is mirrored without content, with a condition saying so")
		huge := revision(ns, "all.huge.main")
		ready := meta.FindStatusCondition(huge.Status.Conditions, porchv1alpha1.ConditionReady)
		Expect(ready).NotTo(BeNil())
		Expect(ready.Reason).To(Equal(porchv1alpha1.ReasonContentTooLarge))
		Expect(ready.Message).To(ContainSubstring("over the content limit"))
		Expect(resourcesOf(ns, "all.huge.main")).To(BeEmpty())

		By("status records the sync and locates each revision")
		third := revision(ns, "all.basens.third")
		Expect(third.Status.SelfLock.Git).To(HaveField("Ref", "basens/v3"))
		Expect(third.Status.SelfLock.Git.Commit).To(HaveLen(40))
		Expect(third.Status.PublishedAt).NotTo(BeNil())
		Expect(third.OwnerReferences).To(ConsistOf(HaveField("Name", "all")))
		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(all), got)).To(Succeed())
		Expect(got.Status.PackageCount).To(Equal(10))
		Expect(got.Status.SyncedRefsHash).NotTo(BeEmpty())
		Expect(got.Status.LastFullSyncTime).NotTo(BeNil())
		Expect(got.Status.NextFullSyncTime.Time).To(BeTemporally(">", time.Now().Add(30*time.Minute)))
		Expect(meta.FindStatusCondition(got.Status.Conditions, "Ready").Message).To(ContainSubstring("mirrored 10 package revisions"))
	})

	It("brings pushed changes in on the next sync, which runOnceAt triggers", func() {
		w := buildFixture(authURL(srv, "changes"))
		repo := register(ns, "changes", srv.RepoURL("changes"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		Expect(revisionRows(ns, "changes")()).To(HaveLen(10))
		before := revisionRows(ns, "changes")()

		By("pushing a new tag and package, deleting a draft branch and a tag")
		w.write(map[string]string{"basens/cm.yaml": configMap("basens", "v4"), "newpkg/Kptfile": minimalKptfile("newpkg")})
		w.commit("Approve basens/fourth", annotation("basens", "fourth", "v4", nil))
		w.git("tag", "basens/v4")
		w.push("main", "basens/v4", ":refs/heads/drafts/basens/wip", ":refs/tags/basens/v2.0.0")
		Consistently(revisionRows(ns, "changes"), 2*time.Second).Should(Equal(before), "nothing syncs before the next sync is due")

		at := runOnce(repo)
		Eventually(revisionRows(ns, "changes")).Should(Equal([]string{
			"changes.basens.first basens first 1 Published latest=false task=init",
			"changes.basens.fourth basens fourth 4 Published latest=true task=",
			"changes.basens.main basens main -1 Published latest=false task=",
			"changes.basens.second basens second 2 Published latest=false task=",
			"changes.basens.third basens third 3 Published latest=false task=",
			"changes.blueprints.nested.app.main blueprints/nested/app main -1 Published latest=false task=",
			"changes.blueprints.nested.app.review blueprints/nested/app review 0 Proposed latest=false task=clone",
			"changes.blueprints.nested.app.v1 blueprints/nested/app v1 1 Published latest=true task=",
			"changes.huge.main huge main -1 Published latest=false task=",
			"changes.newpkg.main newpkg main -1 Published latest=false task=",
		}))
		// The Repository's status is written last, when the sync is complete.
		Eventually(func(g Gomega) {
			got := &configv1alpha1.Repository{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
			g.Expect(got.Status.ObservedRunOnceAt).NotTo(BeNil())
			g.Expect(got.Status.ObservedRunOnceAt.Time).To(BeTemporally("==", at.Time))
			g.Expect(got.Status.PackageCount).To(Equal(10))
		}).Should(Succeed())
		Expect(resourcesOf(ns, "changes.basens.main")).To(HaveKeyWithValue("cm.yaml", configMap("basens", "v4")))
		Expect(packageRows(ns)()).To(ContainElements("changes.basens basens changes 4", "changes.newpkg newpkg changes 0"))
		Expect(resourceList(ns, "changes")).NotTo(ContainElement("changes.basens.wip"))
	})

	It("restores on the next sync what someone else changed in a mirrored object, and writes nothing else", func() {
		publishOne(authURL(srv, "restore"))
		repo := register(ns, "restore", srv.RepoURL("restore"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		syncedOnce(repo, runOnce(repo)) // a second sync, which finds everything as wanted
		before := resourceVersions(ns)()

		pkg := &porchv1alpha1.PorchPackage{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "restore.pkg"}, pkg)).To(Succeed())
		pkg.Status.LatestRevision = 99
		Expect(k8s.Status().Update(ctx, pkg)).To(Succeed())

		time.Sleep(time.Second) // runOnceAt has a precision of one second
		syncedOnce(repo, runOnce(repo))
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pkg), pkg)).To(Succeed())
		Expect(pkg.Status.LatestRevision).To(Equal(1))
		after := resourceVersions(ns)()
		for name, version := range before {
			if !strings.HasSuffix(name, "/restore.pkg") || !strings.Contains(name, "PorchPackage") {
				Expect(after[name]).To(Equal(version), "%s was written", name)
			}
		}
	})

	It("mirrors again when a setting that shapes the objects changes, with no change in git", func() {
		publishOne(authURL(srv, "settings"))
		repo := register(ns, "settings", srv.RepoURL("settings"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		Expect(revisionRows(ns, "settings")()).To(HaveLen(2))
		Expect(revision(ns, "settings.pkg.one").Status.Deployment).To(BeFalse())

		updateSpec(repo, func(spec *configv1alpha1.RepositorySpec) { spec.Deployment = true })
		Eventually(func() bool { return revision(ns, "settings.pkg.one").Status.Deployment }).Should(BeTrue())
	})

	It("adopts a revision a user made before its branch was read, leaves alone an object it did not make, and keeps a revision whose recorded task the API refuses", func() {
		w := newGitWork(authURL(srv, "odd"))
		w.write(map[string]string{"pkg/Kptfile": minimalKptfile("pkg")})
		w.commit("Add pkg", nil)
		w.push("main")
		w.git("checkout", "-q", "-b", "drafts/pkg/wip")
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "wip")})
		w.commit("Intermediate commit", annotation("pkg", "wip", "", nil))
		w.push("drafts/pkg/wip")
		w.git("checkout", "-q", "-b", "drafts/pkg/twosources")
		// Written by hand or by another tool: a clone from two sources at once.
		w.commit("Intermediate commit", annotation("pkg", "twosources", "", map[string]any{"type": "clone", "clone": map[string]any{
			"upstreamRef": map[string]any{"git": map[string]any{"repo": "https://example.com/a.git", "ref": "v1", "directory": "a"}, "oci": map[string]any{"image": "example.com/a:v1"}}}}))
		w.push("drafts/pkg/twosources")

		mine := &porchv1alpha1.PackageRevision{
			ObjectMeta: metav1.ObjectMeta{Name: "odd.pkg.wip", Namespace: ns},
			Spec:       porchv1alpha1.PackageRevisionSpec{PackageName: "pkg", RepositoryName: "odd", WorkspaceName: "wip"},
		}
		Expect(k8s.Create(ctx, mine)).To(Succeed())
		notMine := &porchv1alpha1.PorchPackage{
			ObjectMeta: metav1.ObjectMeta{Name: "odd.pkg", Namespace: ns},
			Spec:       porchv1alpha1.PorchPackageSpec{PackageName: "pkg", RepositoryName: "odd"},
		}
		Expect(k8s.Create(ctx, notMine)).To(Succeed())
		repo := register(ns, "odd", srv.RepoURL("odd"), "")

		// The user's revision is the draft git holds: it is adopted, not duplicated.
		Eventually(revisionRows(ns, "odd")).Should(Equal([]string{
			"odd.pkg.main pkg main -1 Published latest=false task=",
			"odd.pkg.twosources pkg twosources 0 Draft latest=false task=",
			"odd.pkg.wip pkg wip 0 Draft latest=false task=",
		}))
		Eventually(func(g Gomega) {
			got := &configv1alpha1.Repository{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
			ready := meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Status).To(Equal(metav1.ConditionTrue))
			g.Expect(ready.Message).To(And(
				ContainSubstring(`PorchPackage "odd.pkg" exists and was not made by this Repository's sync`),
				ContainSubstring(`PackageRevision "odd.pkg.twosources": left out what the schema refused`)))
		}).Should(Succeed())
		after := &porchv1alpha1.PorchPackage{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(notMine), after)).To(Succeed())
		Expect(after.ResourceVersion).To(Equal(notMine.ResourceVersion), "the sync wrote to an object it did not make")
		Expect(after.OwnerReferences).To(BeEmpty())
		adopted := revision(ns, "odd.pkg.wip")
		Expect(adopted.UID).To(Equal(mine.UID))
		Expect(adopted.OwnerReferences).To(HaveLen(1))
		Expect(adopted.OwnerReferences[0].UID).To(Equal(repo.UID))
		Eventually(func(g Gomega) {
			prr := &porchv1alpha1.PackageRevisionResources{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "odd.pkg.wip"}, prr)).To(Succeed())
			g.Expect(prr.Status.Resources).To(HaveKeyWithValue("cm.yaml", configMap("pkg", "wip")))
		}).Should(Succeed())
	})

	It("neither reverts nor deletes a revision whose user change is not acted upon", func() {
		w := publishOne(authURL(srv, "pending"))
		w.git("checkout", "-q", "-b", "drafts/pkg/wip")
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "wip")})
		w.commit("Intermediate commit", annotation("pkg", "wip", "", nil))
		w.push("drafts/pkg/wip")
		w.git("checkout", "-q", "main")
		repo := register(ns, "pending", srv.RepoURL("pending"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		Expect(revisionRows(ns, "pending")()).To(ContainElement("pending.pkg.wip pkg wip 0 Draft latest=false task="))

		By("a user proposing a draft whose branch went away in git: a change nothing can carry out")
		w.write(map[string]string{"other/Kptfile": minimalKptfile("other")})
		w.commit("Add other", nil)
		w.push("main", ":refs/heads/drafts/pkg/wip")
		draft := revision(ns, "pending.pkg.wip")
		draft.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecycleProposed
		Expect(k8s.Update(ctx, draft)).To(Succeed())
		Eventually(func() string {
			ready := meta.FindStatusCondition(revision(ns, "pending.pkg.wip").Status.Conditions, porchv1alpha1.ConditionReady)
			if ready == nil || ready.Status != metav1.ConditionFalse {
				return ""
			}
			return ready.Message
		}).Should(ContainSubstring("has no draft or proposed branch in the repository"))
		at := runOnce(repo)

		// The sync ran to its end, and mirrored the new package.
		syncedOnce(repo, at)
		Expect(revisionRows(ns, "pending")()).To(ContainElement("pending.other.main other main -1 Published latest=false task="))
		got := revision(ns, "pending.pkg.wip")
		Expect(got.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecycleProposed), "the sync reverted a user's change")
		Expect(got.Status.ObservedGeneration).NotTo(Equal(got.Generation), "the sync observed a change it did not act on")
		Expect(resourceList(ns, "pending")).To(ContainElement("pending.pkg.wip"))
	})

	It("drops a damaged local mirror and fetches it again, touching nothing meanwhile", func() {
		w := publishOne(authURL(srv, "damaged"))
		repo := register(ns, "damaged", srv.RepoURL("damaged"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		Expect(revisionRows(ns, "damaged")()).To(HaveLen(2))

		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		packs, err := filepath.Glob(filepath.Join(cacheDir, "git", string(got.UID), "objects", "pack", "*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(packs).NotTo(BeEmpty())
		for _, pack := range packs {
			Expect(os.WriteFile(pack, []byte("not a pack"), 0o644)).To(Succeed())
		}
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "v2")})
		w.commit("Approve pkg/two", annotation("pkg", "two", "v2", nil))
		w.git("tag", "pkg/v2")
		w.push("main", "--tags")
		runOnce(repo)
		Eventually(revisionRows(ns, "damaged")).Should(Equal([]string{
			"damaged.pkg.main pkg main -1 Published latest=false task=",
			"damaged.pkg.one pkg one 1 Published latest=false task=",
			"damaged.pkg.two pkg two 2 Published latest=true task=",
		}))
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
	})

	It("keeps every object while the remote is down, and converges when it is back", func() {
		root := GinkgoT().TempDir()
		down := startGit(root, "")
		w := publishOne(authURL(down, "flaky"))
		repo := register(ns, "flaky", down.RepoURL("flaky"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		Expect(revisionRows(ns, "flaky")()).To(HaveLen(2))
		before := resourceVersions(ns)()

		By("stopping the remote, a sync fails with Ready=False and touches nothing")
		addr := strings.TrimPrefix(down.URL(), "http://")
		Expect(down.Close()).To(Succeed())
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonUnreachable))
		Consistently(resourceVersions(ns), time.Second).Should(Equal(before))
		Expect(before).To(HaveLen(5)) // two revisions, their resources, one package

		By("with the remote back and changed meanwhile, the next sync makes the repository Ready and converged")
		// The change lands in the served folder while the server is down, so
		// that it is there by the first sync after recovery, whenever it comes.
		w.remote = filepath.Join(root, "flaky.git")
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "v2")})
		w.commit("Approve pkg/two", annotation("pkg", "two", "v2", nil))
		w.git("tag", "pkg/v2")
		w.push("main", "--tags")
		startGit(root, addr)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Eventually(revisionRows(ns, "flaky")).Should(Equal([]string{
			"flaky.pkg.main pkg main -1 Published latest=false task=",
			"flaky.pkg.one pkg one 1 Published latest=false task=",
			"flaky.pkg.two pkg two 2 Published latest=true task=",
		}))
	})

	It("keeps registrations in two namespaces apart, and deleting a Repository removes its objects", func() {
		buildFixture(authURL(srv, "shared"))
		other := namespaceWithAuth()
		mine := register(ns, "shared", srv.RepoURL("shared"), "")
		theirs := register(other, "shared", srv.RepoURL("shared"), "")
		// Ready comes with the end of the first sync: then both sets are whole.
		Eventually(readyReason(mine)).Should(Equal(configv1alpha1.ReasonReady))
		Eventually(readyReason(theirs)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(revisionRows(ns, "shared")()).To(HaveLen(10))
		Expect(revisionRows(other, "shared")()).To(Equal(revisionRows(ns, "shared")()))

		Expect(k8s.Delete(ctx, mine)).To(Succeed())
		Eventually(func() error { return k8s.Get(ctx, client.ObjectKeyFromObject(mine), &configv1alpha1.Repository{}) }).Should(Satisfy(apierrors.IsNotFound))
		Eventually(resourceVersions(ns)).Should(BeEmpty())
		Expect(revisionRows(other, "shared")()).To(HaveLen(10))
		Expect(resourceList(other, "shared")).To(HaveLen(10))
	})
})
