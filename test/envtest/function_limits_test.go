package envtest

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var _ = Describe("Functions under limits", func() {
	const starlarkImage = "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"

	// withStarlark is a draft's files with a Kptfile whose pipeline runs
	// source as a starlark mutator.
	withStarlark := func(files map[string]string, name, source string) map[string]string {
		out := map[string]string{}
		for k, v := range files {
			out[k] = v
		}
		out["Kptfile"] = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n" +
			"pipeline:\n  mutators:\n  - image: " + starlarkImage + "\n    configPath: " + name + ".yaml\n"
		out[name+".yaml"] = "apiVersion: fn.kpt.dev/v1alpha1\nkind: StarlarkRun\nmetadata:\n  name: " + name + "\n  annotations:\n" +
			"    config.kubernetes.io/local-config: \"true\"\nsource: |\n  " + strings.ReplaceAll(source, "\n", "\n  ") + "\n"
		out["cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
		return out
	}
	const (
		endless  = "while True: pass"
		harmless = "for r in ctx.resource_list[\"items\"]:\n  if r[\"kind\"] == \"ConfigMap\": r[\"data\"] = {\"rendered\": \"yes\"}"
	)
	// edit replaces a draft's spec.resources.
	edit := func(pr *porchv1alpha1.PackageRevision, files map[string]string) {
		GinkgoHelper()
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			prr := &porchv1alpha1.PackageRevisionResources{}
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
				return err
			}
			prr.Spec.Resources = files
			return k8s.Update(ctx, prr)
		})).To(Succeed())
	}
	// renderedCondition waits until the draft's latest edit was acted on
	// and its Rendered condition has the status wanted, and returns it.
	// The revision's status is written after its resources', so the
	// condition may say the earlier render's outcome for a moment.
	renderedCondition := func(pr *porchv1alpha1.PackageRevision, want metav1.ConditionStatus) *metav1.Condition {
		GinkgoHelper()
		var cond *metav1.Condition
		Eventually(func(g Gomega) {
			prr := &porchv1alpha1.PackageRevisionResources{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr)).To(Succeed())
			g.Expect(prr.Status.ObservedGeneration).To(Equal(prr.Generation))
			got := &porchv1alpha1.PackageRevision{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), got)).To(Succeed())
			cond = meta.FindStatusCondition(got.Status.Conditions, porchv1alpha1.ConditionRendered)
			g.Expect(cond).NotTo(BeNil())
			g.Expect(cond.Status).To(Equal(want), "%+v", cond)
		}).Should(Succeed())
		return cond
	}

	It("stops one namespace's endless starlark at its deadline while another namespace's Draft renders, and frees the worker", func() {
		nsA, nsB := newNamespace(), newNamespace()
		authoringRepositories(nsA, "repo")
		authoringRepositories(nsB, "repo")
		a := created(k8s, newRevision(nsA, "repo", "app", "v1"))
		b := created(k8s, newRevision(nsB, "repo", "app", "v1"))
		settled(nsA, a.Name)
		settled(nsB, b.Name)
		files := resourcesFor(a).Status.Resources

		By("namespace A's Draft runs a starlark script that never ends")
		edit(a, withStarlark(files, "spin", endless))
		By("namespace B's Draft, edited meanwhile, renders and is Ready while A's still runs")
		edit(b, withStarlark(files, "label", harmless))
		renderedB := renderedCondition(b, metav1.ConditionTrue)
		prrA := resourcesFor(a)
		Expect(prrA.Status.ObservedGeneration).NotTo(Equal(prrA.Generation), "A's render ended before B's: %+v", prrA.Status.RenderStatus)
		Expect(renderedB.Status).To(Equal(metav1.ConditionTrue), "%+v", renderedB)
		Expect(settled(nsB, b.Name)).NotTo(BeNil())
		Expect(resourcesFor(b).Status.Resources["cm.yaml"]).To(ContainSubstring("rendered: \"yes\""))

		By("A's render fails at the function's deadline, naming the function; what A has committed still renders")
		renderedCondition(a, metav1.ConditionTrue)
		want := `function "` + starlarkImage + `" stopped: deadline exceeded (the function timeout is 5s)`
		prr := resourcesFor(a)
		Expect(prr.Status.RenderStatus).NotTo(BeNil())
		Expect(prr.Status.RenderStatus.Err).To(ContainSubstring(want))
		Expect(prr.Status.RenderStatus.Result.Items).To(ContainElement(HaveField("Results", ContainElement(HaveField("Message", ContainSubstring("deadline exceeded"))))))

		By("the worker is free: A's Draft, reconciled one at a time, renders its next edit")
		edit(a, withStarlark(files, "label", harmless))
		renderedCondition(a, metav1.ConditionTrue)
		Expect(resourcesFor(a).Status.Resources["cm.yaml"]).To(ContainSubstring("rendered: \"yes\""))
	})
})
