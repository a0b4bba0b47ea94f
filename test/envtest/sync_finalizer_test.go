package envtest

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// revisionWatch records, from a watch of a namespace's PackageRevisions,
// which were deleted, and which were seen being deleted while they still
// held the authoring finalizer: an authoring controller would then delete
// their branches and tags in git.
type revisionWatch struct {
	mu             sync.Mutex
	deleted        []string
	finalizedByGit []string
}

func watchRevisions(namespace string) *revisionWatch {
	GinkgoHelper()
	wc, err := client.NewWithWatch(plane.Config, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	w, err := wc.Watch(ctx, &porchv1alpha1.PackageRevisionList{}, client.InNamespace(namespace))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(w.Stop)
	rw := &revisionWatch{}
	go func() {
		for ev := range w.ResultChan() {
			pr, ok := ev.Object.(*porchv1alpha1.PackageRevision)
			if !ok {
				continue
			}
			rw.mu.Lock()
			if pr.DeletionTimestamp != nil && controllerutil.ContainsFinalizer(pr, porchv1alpha1.PackageRevisionFinalizer) {
				rw.finalizedByGit = append(rw.finalizedByGit, pr.Name)
			}
			if ev.Type == watch.Deleted {
				rw.deleted = append(rw.deleted, pr.Name)
			}
			rw.mu.Unlock()
		}
	}()
	return rw
}

func (rw *revisionWatch) deletions() []string {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return slices.Clone(rw.deleted)
}

func (rw *revisionWatch) deletionsForGit() []string {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return slices.Clone(rw.finalizedByGit)
}

var _ = Describe("Repository sync and the authoring finalizer", func() {
	env := perSpecGit()

	It("deletes the revisions of a deleted Repository despite their finalizer, and changes nothing in git", func() {
		w := buildFixture(authURL(env.srv, "unregister"))
		repo := register(env.ns, "unregister", env.srv.RepoURL("unregister"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		list := &porchv1alpha1.PackageRevisionList{}
		Expect(k8s.List(ctx, list, client.InNamespace(env.ns))).To(Succeed())
		Expect(list.Items).To(HaveLen(10))
		for _, pr := range list.Items {
			Expect(pr.Finalizers).To(ContainElement(porchv1alpha1.PackageRevisionFinalizer), "revision %s", pr.Name)
		}
		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		mirror := filepath.Join(cacheDir, "git", string(got.UID))
		Expect(mirror).To(BeADirectory())
		refs := w.git("ls-remote", w.remote)
		watched := watchRevisions(env.ns)

		Expect(k8s.Delete(ctx, repo)).To(Succeed())
		Eventually(func() error { return k8s.Get(ctx, client.ObjectKeyFromObject(repo), &configv1alpha1.Repository{}) }).Should(Satisfy(apierrors.IsNotFound))
		Eventually(resourceVersions(env.ns)).Should(BeEmpty())
		Eventually(watched.deletions).Should(HaveLen(10))
		Expect(watched.deletionsForGit()).To(BeEmpty(), "revisions were deleted while holding the finalizer, which deletes them in git")
		Expect(w.git("ls-remote", w.remote)).To(Equal(refs))
		_, err := os.Stat(mirror)
		Expect(os.IsNotExist(err)).To(BeTrue(), "the local mirror is still there: %v", err)
	})

	It("deletes a revision whose branch is gone from git despite its finalizer", func() {
		w := publishOne(authURL(env.srv, "vanished"))
		w.git("checkout", "-q", "-b", "drafts/pkg/wip")
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "wip")})
		w.commit("Intermediate commit", annotation("pkg", "wip", "", nil))
		w.push("drafts/pkg/wip")
		w.git("checkout", "-q", "main")
		repo := register(env.ns, "vanished", env.srv.RepoURL("vanished"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		Expect(revision(env.ns, "vanished.pkg.wip").Finalizers).To(ContainElement(porchv1alpha1.PackageRevisionFinalizer))
		watched := watchRevisions(env.ns)

		w.push(":refs/heads/drafts/pkg/wip")
		runOnce(repo)
		Eventually(revisionRows(env.ns, "vanished")).Should(Equal([]string{
			"vanished.pkg.main pkg main -1 Published latest=false task=",
			"vanished.pkg.one pkg one 1 Published latest=true task=",
		}))
		Eventually(watched.deletions).Should(Equal([]string{"vanished.pkg.wip"}))
		Expect(watched.deletionsForGit()).To(BeEmpty(), "the revision was deleted while holding the finalizer, which deletes it in git")
		Eventually(func() []string { return resourceList(env.ns, "vanished") }).Should(ConsistOf("vanished.pkg.main", "vanished.pkg.one"))
		Expect(revision(env.ns, "vanished.pkg.one").Finalizers).To(ContainElement(porchv1alpha1.PackageRevisionFinalizer), "a sync's update dropped the finalizer")
	})

	It("syncs at once when asked to, leaving a runOnceAt to come pending", func() {
		w := publishOne(authURL(env.srv, "requested"))
		repo := register(env.ns, "requested", env.srv.RepoURL("requested"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady)) // the first sync is complete
		// A sync asked for in twenty minutes, sooner than the next regular one.
		later := metav1.NewTime(time.Now().Add(20 * time.Minute).Truncate(time.Second))
		updateSpec(repo, func(spec *configv1alpha1.RepositorySpec) {
			spec.Sync = &configv1alpha1.RepositorySync{RunOnceAt: &later}
		})
		nextSync := func(g Gomega) *configv1alpha1.RepositoryStatus {
			got := &configv1alpha1.Repository{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
			g.Expect(got.Status.ObservedGeneration).To(Equal(got.Generation))
			g.Expect(got.Status.NextFullSyncTime).NotTo(BeNil())
			g.Expect(got.Status.NextFullSyncTime.Time).To(BeTemporally("==", later.Time))
			g.Expect(got.Status.ObservedRunOnceAt).To(BeNil())
			return &got.Status
		}
		var before *configv1alpha1.RepositoryStatus
		Eventually(func(g Gomega) { before = nextSync(g) }).Should(Succeed())

		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "v2")})
		w.commit("Approve pkg/two", annotation("pkg", "two", "v2", nil))
		w.git("tag", "pkg/v2")
		w.push("main", "--tags")
		syncRequests.Request(env.ns, "requested")
		Eventually(revisionRows(env.ns, "requested")).Should(Equal([]string{
			"requested.pkg.main pkg main -1 Published latest=false task=",
			"requested.pkg.one pkg one 1 Published latest=false task=",
			"requested.pkg.two pkg two 2 Published latest=true task=",
		}))
		Eventually(func(g Gomega) {
			after := nextSync(g)
			g.Expect(after.PackageCount).To(Equal(3))
			g.Expect(after.SyncedRefsHash).NotTo(Equal(before.SyncedRefsHash))
		}).Should(Succeed())
		Expect(resourcesOf(env.ns, "requested.pkg.main")).To(HaveKeyWithValue("cm.yaml", configMap("pkg", "v2")))
	})
})
