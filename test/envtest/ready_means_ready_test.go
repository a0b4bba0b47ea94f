package envtest

import (
	"fmt"

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
	setLifecycle := func(pr *porchv1alpha1.PackageRevision, to porchv1alpha1.PackageRevisionLifecycle) error {
		pr.Spec.Lifecycle = to
		return k8s.Update(ctx, pr)
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
})
