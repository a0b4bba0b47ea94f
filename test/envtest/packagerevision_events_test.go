package envtest

import (
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// What kubectl describe shows of a revision: one event per step that
// changed it, in order, the render's under the Rendered condition's
// reason, and a refused edit as a Warning.
var _ = Describe("PackageRevision events", func() {
	It("tell each step of a revision's life once, in order", func() {
		ns := newNamespace()
		authoringRepositories(ns, "u")
		pr := created(k8s, newRevision(ns, "u", "app", "v1"))
		settled(ns, pr.Name)

		By("an edit whose function image does not exist")
		prr := resourcesFor(pr)
		files := map[string]string{}
		for k, v := range prr.Status.Resources {
			files[k] = v
		}
		files["Kptfile"] += "pipeline:\n  mutators:\n    - image: example.com/set-labelz:v9.9\n"
		editResources(client.ObjectKeyFromObject(prr), files)

		By("proposed, approved, proposed for deletion and deleted")
		for _, lifecycle := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed,
			porchv1alpha1.PackageRevisionLifecyclePublished, porchv1alpha1.PackageRevisionLifecycleDeletionProposed} {
			moveTo(k8s, ns, pr.Name, lifecycle)
		}
		Expect(k8s.Delete(ctx, pr)).To(Succeed())
		Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr)) }).Should(BeTrue())

		want := []string{"Created", porchv1alpha1.ReasonRenderSucceeded, porchv1alpha1.ReasonRenderFailed,
			"Proposed", "Published", "DeletionProposed", "Deleted"}
		var got []eventsv1.Event
		Eventually(func(g Gomega) {
			events := &eventsv1.EventList{}
			g.Expect(k8s.List(ctx, events, client.InNamespace(ns))).To(Succeed())
			got = nil
			for _, e := range events.Items {
				if e.Regarding.Name == pr.Name && e.Regarding.Kind == "PackageRevision" {
					got = append(got, e)
				}
			}
			slices.SortStableFunc(got, func(a, b eventsv1.Event) int { return a.EventTime.Compare(b.EventTime.Time) })
			var reasons []string
			for _, e := range got {
				reasons = append(reasons, e.Reason)
			}
			g.Expect(reasons).To(Equal(want))
		}).Should(Succeed())
		for _, e := range got {
			switch e.Reason {
			case porchv1alpha1.ReasonRenderFailed:
				Expect(e.Type).To(Equal(corev1.EventTypeWarning))
				Expect(e.Note).To(ContainSubstring("set-labelz:v9.9"))
				Expect(e.Note).To(ContainSubstring("not committed"))
			case "Published":
				Expect(e.Type).To(Equal(corev1.EventTypeNormal))
				Expect(e.Note).To(HavePrefix("approved by "))
				Expect(e.Note).To(HaveSuffix("published as revision 1"))
			default:
				Expect(e.Type).To(Equal(corev1.EventTypeNormal), "%s: %s", e.Reason, e.Note)
			}
			Expect(strings.TrimSpace(e.Note)).NotTo(BeEmpty())
		}
	})
})
