package envtest

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// A script waits as kubectl wait --for=condition=Ready does, then acts: the
// attack reads the revision as fast as it can, and the moment it shows
// Ready for its generation, checks that the content is rendered and
// committed, and proposes, then approves the same way.
var _ = Describe("Ready means ready", func() {
	// readyAsKubectlWaits polls without pause until the revision's Ready
	// condition is True for its generation, as kubectl wait checks it.
	readyAsKubectlWaits := func(ns, name string) *porchv1alpha1.PackageRevision {
		GinkgoHelper()
		pr := &porchv1alpha1.PackageRevision{}
		Eventually(func() bool {
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, pr); err != nil {
				return false
			}
			c := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
			return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == pr.Generation
		}).WithPolling(0).Should(BeTrue())
		return pr
	}
	// setLifecycle changes the lifecycle as kubectl patch does, without a
	// resourceVersion: the sync records its mirror of each step (the self
	// lock) after Ready, which a client holding the version it waited on
	// may meet as a conflict and retry, as porchctl does. Any 409 here is
	// the webhook's "rendering in progress". That nothing else writes
	// after Ready on a stale read is the spec below's.
	setLifecycle := func(pr *porchv1alpha1.PackageRevision, to porchv1alpha1.PackageRevisionLifecycle) error {
		before := pr.DeepCopy()
		pr.Spec.Lifecycle = to
		return k8s.Patch(ctx, pr, client.MergeFrom(before))
	}

	It("shows a Draft Ready only once its resources are rendered and committed, so that a proposal right after it is taken", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints")
		for i := range 8 {
			pr := newRevision(ns, "blueprints", fmt.Sprintf("pkg%d", i), "v1")
			Expect(k8s.Create(ctx, pr)).To(Succeed())
			pr = readyAsKubectlWaits(ns, pr.Name)
			prr := &porchv1alpha1.PackageRevisionResources{}
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr)).To(Succeed(), "Ready, and its resources do not exist")
			Expect(prr.Status.ObservedGeneration).To(Equal(prr.Generation), "Ready, and its resources are not rendered and committed")
			Expect(setLifecycle(pr, porchv1alpha1.PackageRevisionLifecycleProposed)).To(Succeed())
			pr = readyAsKubectlWaits(ns, pr.Name)
			Expect(pr.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecycleProposed))
			Expect(setLifecycle(pr, porchv1alpha1.PackageRevisionLifecyclePublished)).To(Succeed())
		}
	})

	// The manager's cache lags its writes: the event of a revision's
	// resources, written first, can bring the next reconcile before the
	// cache has the revision's own last status write. The attack holds
	// the cache at the copy the proposal returned, from before the
	// controller acted on it, and brings a reconcile with a user's label.
	It("acts on what the apiserver holds, not on a cached copy from before its last step, and does not write the step again", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints")
		pr := newRevision(ns, "blueprints", "lagged", "v1")
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		pr = readyAsKubectlWaits(ns, pr.Name)
		Expect(setLifecycle(pr, porchv1alpha1.PackageRevisionLifecycleProposed)).To(Succeed())
		proposing := pr.DeepCopy() // as the write returned it: the proposal not yet acted on
		readyAsKubectlWaits(ns, pr.Name)
		key := client.ObjectKeyFromObject(pr)
		// The sync records its mirror of the proposal after Ready (see
		// setLifecycle): the attack starts once it has.
		proposed := &porchv1alpha1.PackageRevision{}
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, key, proposed)).To(Succeed())
			g.Expect(proposed.Status.SelfLock).NotTo(BeNil())
			g.Expect(proposed.Status.SelfLock.Git.Ref).To(Equal("proposed/lagged/v1"))
		}).Should(Succeed())

		lag.holdBack(proposing)
		DeferCleanup(lag.release, key)
		before := proposed.DeepCopy()
		proposed.Labels["example.com/reviewed"] = "yes"
		Expect(k8s.Patch(ctx, proposed, client.MergeFrom(before))).To(Succeed())
		Eventually(lag.servedStale).WithArguments(key).Should(BeNumerically(">=", 1), "no reconcile read the cache")

		Consistently(func(g Gomega) {
			now := &porchv1alpha1.PackageRevision{}
			g.Expect(k8s.Get(ctx, key, now)).To(Succeed())
			g.Expect(now.ResourceVersion).To(Equal(proposed.ResourceVersion), "written after Ready: %+v\n%s", now.Status, managedFields(now))
		}).WithTimeout(3 * time.Second).Should(Succeed())
	})
})

// managedFields says who wrote what of obj, and when.
func managedFields(obj client.Object) string {
	var out string
	for _, m := range obj.GetManagedFields() {
		out += fmt.Sprintf("%s %s %s %s %s\n", m.Manager, m.Operation, m.Subresource, m.Time, m.FieldsV1.String())
	}
	return out
}
