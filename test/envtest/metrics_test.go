package envtest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var _ = Describe("Metrics", func() {
	It("count each authoring step by namespace and repository, time each function a render runs, and count the webhooks' decisions", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints")
		pr := newRevision(ns, "blueprints", "app", "v1")
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		settled(ns, pr.Name)

		By("an edit whose pipeline runs a function")
		const setLabels = "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2"
		Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
			prr := &porchv1alpha1.PackageRevisionResources{}
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
				return err
			}
			prr.Spec.Resources = map[string]string{
				"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\npipeline:\n  mutators:\n  - image: " + setLabels + "\n    configMap:\n      tier: web\n",
				"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
			}
			return k8s.Update(ctx, prr)
		})).To(Succeed())
		settled(ns, pr.Name)
		moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
		moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecyclePublished)

		By("a Repository the webhook refuses")
		Expect(k8s.Create(ctx, &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: "with-password", Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
				Git: &configv1alpha1.GitRepository{Repo: "https://user:secret@git.example.com/x.git"}},
		})).NotTo(Succeed())

		families, err := metrics.Registry.Gather()
		Expect(err).NotTo(HaveOccurred())
		byName := map[string]*dto.MetricFamily{}
		for _, f := range families {
			byName[f.GetName()] = f
		}
		for _, step := range []string{"create", "edit", "propose", "approve"} {
			Expect(sampleOf(byName["porch_authoring_steps_total"], map[string]string{"namespace": ns, "repository": "blueprints", "step": step, "result": "success"})).
				To(BeNumerically(">=", 1), "step %s", step)
			Expect(sampleOf(byName["porch_authoring_step_duration_seconds"], map[string]string{"step": step, "result": "success"})).
				To(BeNumerically(">=", 1), "step %s", step)
		}
		Expect(sampleOf(byName["porch_admission_decisions_total"], map[string]string{"webhook": "packagerevision", "namespace": ns, "operation": "create", "decision": "allowed", "reason": ""})).
			To(BeNumerically(">=", 1))
		Expect(sampleOf(byName["porch_admission_decisions_total"], map[string]string{"webhook": "packagerevision", "namespace": ns, "operation": "update", "decision": "allowed", "reason": ""})).
			To(BeNumerically(">=", 2))
		Expect(sampleOf(byName["porch_admission_decisions_total"], map[string]string{"webhook": "repository", "namespace": ns, "operation": "create", "decision": "denied", "reason": "Invalid"})).
			To(BeNumerically("==", 1))
		Eventually(func() float64 {
			families, err := metrics.Registry.Gather()
			Expect(err).NotTo(HaveOccurred())
			for _, f := range families {
				if f.GetName() == "porch_repository_package_revisions" {
					return sampleOf(f, map[string]string{"namespace": ns, "repository": "blueprints"})
				}
			}
			return 0
		}).Should(BeNumerically(">=", 1), "the package revisions the sync found")
		Expect(sampleOf(byName["porch_render_function_duration_seconds"], map[string]string{"function": setLabels, "result": "success"})).
			To(BeNumerically(">=", 1))
	})
})

// sampleOf is the value of the series of family whose labels include
// labels, summed: a counter's or a gauge's value, or a histogram's count;
// 0 when there is none.
func sampleOf(family *dto.MetricFamily, labels map[string]string) float64 {
	if family == nil {
		return 0
	}
	var sum float64
	for _, m := range family.GetMetric() {
		matched := 0
		for _, l := range m.GetLabel() {
			if v, ok := labels[l.GetName()]; ok && v == l.GetValue() {
				matched++
			}
		}
		if matched == len(labels) {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
		}
	}
	return sum
}
