package envtest

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var _ = Describe("PackageVariantSet", func() {
	It("makes a PackageVariant per repository named, repository labelled and object labelled, from its template's expressions, and follows its targets", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "edge1", "edge2", "edge3")
		publishNew(ns, "blueprints", "app", "v1")
		Expect(changed(k8s, repositoryNamed(ns, "edge2"), func(r *configv1alpha1.Repository) { r.Labels = map[string]string{"site": "edge"} })).To(Succeed())
		cluster := created(k8s, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "edge3", Namespace: ns,
			Labels: map[string]string{"cluster": "yes"}, Annotations: map[string]string{"region": "eu"}}})

		pvs := created(k8s, &configv1alpha1.PackageVariantSet{
			ObjectMeta: metav1.ObjectMeta{Name: "fleet", Namespace: ns},
			Spec: configv1alpha1.PackageVariantSetSpec{
				Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Targets: []configv1alpha1.Target{
					{Repositories: []configv1alpha1.RepositoryTarget{{Name: "edge1", PackageNames: []string{"app", "app2"}}},
						Template: &configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{
							{Key: ptr("target"), ValueExpr: ptr(`target.repo + "." + target.package`)}}}},
					{RepositorySelector: &metav1.LabelSelector{MatchLabels: map[string]string{"site": "edge"}},
						Template: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{
							PackageExpr: ptr(`packageDefault + "-" + repository.labels.site`)}}},
					{ObjectSelector: &configv1alpha1.ObjectSelector{APIVersion: "v1", Kind: "ConfigMap",
						LabelSelector: metav1.LabelSelector{MatchLabels: map[string]string{"cluster": "yes"}}},
						Template: &configv1alpha1.PackageVariantTemplate{AnnotationExprs: []configv1alpha1.MapExpr{
							{Key: ptr("region"), ValueExpr: ptr(`target.annotations.region`)}}}},
				},
			},
		})
		Eventually(setReady(pvs)).Should(BeTrue())
		Eventually(variantsOfSet(pvs)).Should(ConsistOf("fleet-edge1-app", "fleet-edge1-app2", "fleet-edge2-app-edge", "fleet-edge3-app"))
		app2 := variantOf(&configv1alpha1.PackageVariant{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "fleet-edge1-app2"}})
		Expect(app2.Spec.Downstream).To(Equal(&configv1alpha1.Downstream{Repo: "edge1", Package: "app2"}))
		Expect(app2.Spec.Labels).To(HaveKeyWithValue("target", "edge1.app2"))
		Expect(app2.OwnerReferences).To(ContainElement(HaveField("UID", pvs.UID)))
		edge3 := variantOf(&configv1alpha1.PackageVariant{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "fleet-edge3-app"}})
		Expect(edge3.Spec.Annotations).To(HaveKeyWithValue("region", "eu"))
		settled(ns, "edge2.app-edge.packagevariant-1") // the PackageVariant made its Draft

		By("updating a PackageVariant in place when the template changes")
		before := variantOf(app2)
		Expect(changed(k8s, setOf(pvs), func(s *configv1alpha1.PackageVariantSet) {
			s.Spec.Targets[0].Template.Labels = map[string]string{"tier": "gold"}
		})).To(Succeed())
		Eventually(func() map[string]string { return variantOf(app2).Spec.Labels }).Should(HaveKeyWithValue("tier", "gold"))
		Expect(variantOf(app2).UID).To(Equal(before.UID))

		By("deleting the PackageVariants of targets that are gone")
		Expect(changed(k8s, repositoryNamed(ns, "edge2"), func(r *configv1alpha1.Repository) { r.Labels = nil })).To(Succeed())
		Expect(k8s.Delete(ctx, cluster)).To(Succeed())
		Eventually(variantsOfSet(pvs)).Should(ConsistOf("fleet-edge1-app", "fleet-edge1-app2"))
		Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "edge2.app-edge.packagevariant-1"}, &porchv1alpha1.PackageRevision{}))
		}).Should(BeTrue(), "the Draft of a deleted PackageVariant goes with it")
	})

	It("stalls on bad input, naming the field", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "edge1")
		publishNew(ns, "blueprints", "app", "v1")
		for _, tc := range []struct {
			spec           configv1alpha1.PackageVariantSetSpec
			reason, naming string
		}{
			{configv1alpha1.PackageVariantSetSpec{Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Targets: []configv1alpha1.Target{{Repositories: []configv1alpha1.RepositoryTarget{{Name: "edge1"}},
					Template: &configv1alpha1.PackageVariantTemplate{LabelExprs: []configv1alpha1.MapExpr{{Key: ptr("n"), ValueExpr: ptr("1 + 2")}}}}}},
				configv1alpha1.ReasonValidationError, "spec.targets[0].template.labelExprs[0].valueExpr"},
			{configv1alpha1.PackageVariantSetSpec{Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Targets: []configv1alpha1.Target{{Repositories: []configv1alpha1.RepositoryTarget{{Name: "edge1"}},
					Template: &configv1alpha1.PackageVariantTemplate{Downstream: &configv1alpha1.DownstreamTemplate{PackageExpr: ptr("nope.")}}}}},
				configv1alpha1.ReasonValidationError, "spec.targets[0].template.downstream.packageExpr"},
			{configv1alpha1.PackageVariantSetSpec{Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: "missing"},
				Targets: []configv1alpha1.Target{{Repositories: []configv1alpha1.RepositoryTarget{{Name: "edge1"}}}}},
				configv1alpha1.ReasonUpstreamNotFound, "spec.upstream"},
			{configv1alpha1.PackageVariantSetSpec{Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Targets: []configv1alpha1.Target{{RepositorySelector: &metav1.LabelSelector{MatchLabels: map[string]string{"site": "nowhere"}}}}},
				configv1alpha1.ReasonNoMatchingTargets, "spec.targets"},
		} {
			pvs := created(k8s, &configv1alpha1.PackageVariantSet{ObjectMeta: metav1.ObjectMeta{GenerateName: "bad-", Namespace: ns}, Spec: tc.spec})
			Eventually(setStalled(pvs)).Should(Equal(tc.reason))
			Expect(meta.FindStatusCondition(setOf(pvs).Status.Conditions, configv1alpha1.ConditionStalled).Message).To(ContainSubstring(tc.naming))
			Expect(variantsOfSet(pvs)()).To(BeEmpty())
		}
		Consistently(func() int {
			list := &configv1alpha1.PackageVariantList{}
			Expect(k8s.List(ctx, list, client.InNamespace(ns))).To(Succeed())
			return len(list.Items)
		}, time.Second).Should(BeZero(), "a stalled set makes nothing")
	})
})
