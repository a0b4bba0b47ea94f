package envtest

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// The manager lists a set's selected objects with its own rights and hands
// their labels and annotations to the set's expressions, which its author
// reads back in the PackageVariants: the attack is a set selecting what its
// author may not list.
var _ = Describe("PackageVariantSet object selectors", func() {
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
	})
	selecting := func(name, apiVersion, kind string) *configv1alpha1.PackageVariantSet {
		return &configv1alpha1.PackageVariantSet{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: configv1alpha1.PackageVariantSetSpec{
				Upstream: &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Targets: []configv1alpha1.Target{{ObjectSelector: &configv1alpha1.ObjectSelector{APIVersion: apiVersion, Kind: kind},
					Template: &configv1alpha1.PackageVariantTemplate{AnnotationExprs: []configv1alpha1.MapExpr{
						{Key: ptr("leak"), ValueExpr: ptr(`"password" in target.annotations ? target.annotations["password"] : "none"`)}}}}},
			},
		}
	}
	notStored := func(pvs *configv1alpha1.PackageVariantSet) {
		GinkgoHelper()
		Expect(apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(pvs), &configv1alpha1.PackageVariantSet{}))).To(BeTrue())
	}

	It("refuses a selector of a kind its author may not list in the namespace, at create and at update", func() {
		created(k8s, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "edge", Namespace: ns,
			Annotations: map[string]string{"password": "hunter2"}}, StringData: map[string]string{"token": "t"}})
		author := "set-author"
		grant(ns, author, "set-author", rbacv1.PolicyRule{APIGroups: []string{configv1alpha1.GroupVersion.Group},
			Resources: []string{"packagevariantsets"}, Verbs: []string{"get", "create", "update", "patch"}})
		grant(ns, author, "configmap-reader", rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"list"}})
		as := impersonating(author)

		secrets := selecting("secrets", "v1", "Secret")
		err := as.Create(ctx, secrets)
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("spec.targets[0].objectSelector"))
		Expect(err.Error()).To(ContainSubstring(`user "set-author" may not list secrets in namespace ` + ns))
		notStored(secrets)

		By("a kind the author may list is accepted")
		configMaps := created(as, selecting("configmaps", "v1", "ConfigMap"))

		By("and may not be widened to Secrets afterwards")
		err = changed(as, configMaps, func(s *configv1alpha1.PackageVariantSet) { s.Spec.Targets[0].ObjectSelector.Kind = "Secret" })
		Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("may not list secrets"))
		Expect(setOf(configMaps).Spec.Targets[0].ObjectSelector.Kind).To(Equal("ConfigMap"))

		By("an update that leaves the targets alone passes")
		Expect(changed(as, setOf(configMaps), func(s *configv1alpha1.PackageVariantSet) { s.Labels = map[string]string{"team": "a"} })).To(Succeed())
	})

	It("refuses a kind that is not namespaced, even to an administrator, and a set written around admission stalls naming the field", func() {
		namespaces := selecting("namespaces", "v1", "Namespace")
		err := k8s.Create(ctx, namespaces)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("spec.targets[0].objectSelector.kind"))
		Expect(err.Error()).To(ContainSubstring("is not namespaced"))
		Expect(err.Error()).To(ContainSubstring("--allow-cluster-scoped-selectors"))
		notStored(namespaces)

		By("a kind the cluster does not have")
		err = k8s.Create(ctx, selecting("nothing", "example.com/v1", "Nothing"))
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring(`the cluster has no kind "Nothing" of "example.com/v1"`))

		By("the set as the system writes it, which admission lets through")
		authoringRepositories(ns, "blueprints")
		publishNew(ns, "blueprints", "app", "v1")
		pvs := created(sys, selecting("namespaces", "v1", "Namespace"))
		Eventually(setStalled(pvs)).Should(Equal(configv1alpha1.ReasonValidationError))
		stalled := meta.FindStatusCondition(setOf(pvs).Status.Conditions, configv1alpha1.ConditionStalled)
		Expect(stalled.Message).To(ContainSubstring("spec.targets[0].objectSelector.kind"))
		Expect(stalled.Message).To(ContainSubstring("is not namespaced"))
		Expect(variantsOfSet(pvs)()).To(BeEmpty())
	})
})
