package envtest

import (
	"strings"
	"time"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
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

var _ = Describe("PackageVariant", func() {
	It("clones the upstream into a mutated Draft, changes nothing more on its own, and upgrades the published downstream keeping its edit", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "deployments")
		v1 := publishNew(ns, "blueprints", "app", "v1")

		pv := created(k8s, &configv1alpha1.PackageVariant{
			ObjectMeta: metav1.ObjectMeta{Name: "app-edge", Namespace: ns},
			Spec: configv1alpha1.PackageVariantSpec{
				Upstream:       &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Downstream:     &configv1alpha1.Downstream{Repo: "deployments", Package: "app"},
				Labels:         map[string]string{"team": "edge"},
				PackageContext: &configv1alpha1.PackageContext{Data: map[string]string{"env": "prod"}},
				Pipeline: &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{{Name: "labels",
					Image: "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0", ConfigMap: map[string]string{"site": "edge"}}}},
			},
		})
		draftName := "deployments.app.packagevariant-1"
		Eventually(ready(pv)).Should(BeTrue())
		draft := settled(ns, draftName)
		Expect(draft.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecycleDraft))
		Expect(draft.Spec.Tasks[0].Clone.Upstream.UpstreamRef.Name).To(Equal(v1.Name))
		Expect(draft.Labels).To(HaveKeyWithValue("team", "edge"))
		Expect(metav1.GetControllerOf(draft)).To(HaveField("UID", pv.UID), "the variant controls its revisions")
		Expect(draft.OwnerReferences).To(ContainElement(HaveField("Kind", "Repository")), "their Repository owns them too")
		files := resourcesFor(draft).Status.Resources
		Expect(files["package-context.yaml"]).To(ContainSubstring("env: prod"))
		Expect(files["Kptfile"]).To(ContainSubstring("name: PackageVariant.app-edge.labels.0"))
		Expect(files["package-context.yaml"]).To(ContainSubstring("site: edge"), "the variant's function ran in the render")
		Expect(variantOf(pv).Status.DownstreamTargets).To(ConsistOf(HaveField("Name", draftName)))

		By("changing nothing more once the mutations are in")
		prr := resourcesFor(draft)
		Consistently(func(g Gomega) {
			now := resourcesFor(draft)
			g.Expect(now.Generation).To(Equal(prr.Generation))
			g.Expect(now.Status.Commit).To(Equal(prr.Status.Commit))
		}, 2*time.Second).Should(Succeed())

		By("keeping a downstream edit through an upgrade")
		Expect(changed(k8s, prr, func(p *porchv1alpha1.PackageRevisionResources) {
			p.Spec.Resources = withFile(p.Status.Resources, "local.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  mine: \"yes\"\n")
		})).To(Succeed())
		settled(ns, draftName)
		moveTo(k8s, ns, draftName, porchv1alpha1.PackageRevisionLifecycleProposed)
		moveTo(k8s, ns, draftName, porchv1alpha1.PackageRevisionLifecyclePublished)
		v2 := created(k8s, newRevision(ns, "blueprints", "app", "v2", editOf(v1.Name)))
		upstreamPRR := resourcesFor(settled(ns, v2.Name))
		Expect(changed(k8s, upstreamPRR, func(p *porchv1alpha1.PackageRevisionResources) {
			p.Spec.Resources = withFile(p.Status.Resources, "upstream.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upstream\n")
		})).To(Succeed())
		settled(ns, v2.Name)
		moveTo(k8s, ns, v2.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
		moveTo(k8s, ns, v2.Name, porchv1alpha1.PackageRevisionLifecyclePublished)

		upgrade := settled(ns, "deployments.app.packagevariant-2")
		Expect(upgrade.Spec.Tasks[0].Type).To(Equal(porchv1alpha1.TaskTypeUpgrade))
		Expect(upgrade.Spec.Tasks[0].Upgrade.NewUpstream.Name).To(Equal(v2.Name))
		Expect(upgrade.Spec.Tasks[0].Upgrade.OldUpstream.Name).To(Equal(v1.Name))
		Eventually(func(g Gomega) {
			files := resourcesFor(upgrade).Status.Resources
			g.Expect(files).To(HaveKey("local.yaml"), "the downstream edit")
			g.Expect(files).To(HaveKey("upstream.yaml"), "the upstream change")
			g.Expect(files["package-context.yaml"]).To(ContainSubstring("env: prod"))
		}).Should(Succeed())
		Eventually(ready(pv)).Should(BeTrue())
		Expect(variantOf(pv).Status.DownstreamTargets).To(ConsistOf(HaveField("Name", upgrade.Name)))
	})

	It("adopts an existing package when asked, and orphans or deletes what it owns when it goes", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "deployments")
		publishNew(ns, "blueprints", "app", "v1")
		existing := created(k8s, newRevision(ns, "deployments", "web", "mine", clonedFrom("blueprints.app.v1")))
		settled(ns, existing.Name)

		notAdopting := created(k8s, variant(ns, "web", "web", nil))
		Eventually(stalled(notAdopting)).Should(Equal(configv1alpha1.ReasonDownstreamNotOwned))

		Expect(k8s.Delete(ctx, notAdopting)).To(Succeed())
		adopting := created(k8s, variant(ns, "web2", "web", func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.AdoptionPolicy = configv1alpha1.AdoptionPolicyAdoptExisting
			pv.Spec.DeletionPolicy = configv1alpha1.DeletionPolicyOrphan
		}))
		Eventually(ready(adopting)).Should(BeTrue())
		Expect(variantOf(adopting).Status.DownstreamTargets).To(ConsistOf(HaveField("Name", existing.Name)))
		Expect(metav1.GetControllerOf(revision(ns, existing.Name))).To(HaveField("UID", adopting.UID))

		By("letting go of its revisions elsewhere when the downstream moves, as the deletion policy says")
		Expect(changed(k8s, variantOf(adopting), func(pv *configv1alpha1.PackageVariant) { pv.Spec.Downstream.Package = "web-moved" })).To(Succeed())
		settled(ns, "deployments.web-moved.packagevariant-1")
		Eventually(func() []metav1.OwnerReference { return revision(ns, existing.Name).OwnerReferences }).
			ShouldNot(ContainElement(HaveField("UID", adopting.UID)), "orphaned, not deleted")
		Expect(metav1.GetControllerOf(revision(ns, existing.Name))).To(HaveField("Kind", "Repository"), "its Repository controls it again")

		By("orphaning on deletion")
		Expect(k8s.Delete(ctx, adopting)).To(Succeed())
		Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(adopting), adopting)) }).Should(BeTrue())
		Expect(revision(ns, "deployments.web-moved.packagevariant-1").OwnerReferences).NotTo(ContainElement(HaveField("UID", adopting.UID)))

		By("deleting a Draft and proposing a Published revision for deletion")
		deleting := created(k8s, variant(ns, "db", "db", nil))
		Eventually(ready(deleting)).Should(BeTrue())
		moveTo(k8s, ns, "deployments.db.packagevariant-1", porchv1alpha1.PackageRevisionLifecycleProposed)
		moveTo(k8s, ns, "deployments.db.packagevariant-1", porchv1alpha1.PackageRevisionLifecyclePublished)
		Expect(changed(k8s, variantOf(deleting), func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"tier": "db"}}
		})).To(Succeed())
		settled(ns, "deployments.db.packagevariant-2") // an edit, for the changed mutations
		Expect(k8s.Delete(ctx, deleting)).To(Succeed())
		Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "deployments.db.packagevariant-2"}, &porchv1alpha1.PackageRevision{}))
		}).Should(BeTrue())
		Eventually(func() porchv1alpha1.PackageRevisionLifecycle {
			return revision(ns, "deployments.db.packagevariant-1").Spec.Lifecycle
		}).Should(Equal(porchv1alpha1.PackageRevisionLifecycleDeletionProposed))
	})

	It("fills injection points from the cluster and says in the Kptfile which are met", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "deployments")
		draft := created(k8s, newRevision(ns, "blueprints", "injected", "v1"))
		prr := resourcesFor(settled(ns, draft.Name))
		Expect(changed(k8s, prr, func(p *porchv1alpha1.PackageRevisionResources) {
			p.Spec.Resources = withFile(p.Status.Resources, "settings.yaml", injectionPoint("ConfigMap", "settings", "required"))
			p.Spec.Resources["extra.yaml"] = injectionPoint("Service", "extra", "optional")
			p.Spec.Resources["tuning.yaml"] = injectionPoint("ConfigMap", "tuning", "optional")
			p.Spec.Resources["endpoint.yaml"] = injectionPoint("Service", "endpoint", "required")
		})).To(Succeed())
		settled(ns, draft.Name)
		moveTo(k8s, ns, draft.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
		moveTo(k8s, ns, draft.Name, porchv1alpha1.PackageRevisionLifecyclePublished)
		created(k8s, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "edge-settings", Namespace: ns}, Data: map[string]string{"region": "eu"}})

		pv := created(k8s, variant(ns, "injected", "injected", func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Upstream.Package = "injected"
			pv.Spec.Injectors = []configv1alpha1.InjectionSelector{{Name: "missing"}, {Name: "edge-settings"}}
		}))
		Eventually(ready(pv)).Should(BeTrue())
		files := resourcesFor(settled(ns, "deployments.injected.packagevariant-1")).Status.Resources
		Expect(files["settings.yaml"]).To(ContainSubstring("region: eu"))
		Expect(files["settings.yaml"]).To(ContainSubstring("kpt.dev/injected-resource: edge-settings"))
		Expect(files["tuning.yaml"]).To(ContainSubstring("region: eu"), "an optional point is filled when something matches")
		Expect(files["extra.yaml"]).To(ContainSubstring("region: unset"), "no Service of a selected name")
		Expect(files["endpoint.yaml"]).To(ContainSubstring("region: unset"))
		Expect(files["Kptfile"]).To(ContainSubstring("conditionType: config.injection.ConfigMap.settings"))
		Expect(files["Kptfile"]).To(ContainSubstring("conditionType: config.injection.Service.endpoint"), "a required point has a gate, met or not")
		Expect(files["Kptfile"]).NotTo(ContainSubstring("conditionType: config.injection.Service.extra"), "an optional point has no gate")
		Expect(files["Kptfile"]).NotTo(ContainSubstring("conditionType: config.injection.ConfigMap.tuning"))
		noneMatched := "no resource matched any injection selector for this injection point"
		Eventually(func() []porchv1alpha1.PackageCondition {
			return revision(ns, "deployments.injected.packagevariant-1").Status.PackageConditions
		}).Should(ContainElements(
			porchv1alpha1.PackageCondition{Type: "config.injection.ConfigMap.settings", Status: "True", Reason: "ConfigInjected",
				Message: `injected resource "edge-settings" from cluster`},
			porchv1alpha1.PackageCondition{Type: "config.injection.ConfigMap.tuning", Status: "True", Reason: "ConfigInjected",
				Message: `injected resource "edge-settings" from cluster`},
			porchv1alpha1.PackageCondition{Type: "config.injection.Service.extra", Status: "False", Reason: "NoResourceSelected", Message: noneMatched},
			porchv1alpha1.PackageCondition{Type: "config.injection.Service.endpoint", Status: "False", Reason: "NoResourceSelected", Message: noneMatched},
		))

		By("holding the revision's approval to its unmet required point")
		moveTo(k8s, ns, "deployments.injected.packagevariant-1", porchv1alpha1.PackageRevisionLifecycleProposed)
		err := changed(k8s, revision(ns, "deployments.injected.packagevariant-1"), func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Lifecycle = porchv1alpha1.PackageRevisionLifecyclePublished
		})
		Expect(err).To(MatchError(ContainSubstring("config.injection.Service.endpoint")))
	})

	It("stalls on bad input, naming the field", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "deployments")
		publishNew(ns, "blueprints", "app", "v1")
		for _, tc := range []struct {
			change         func(*configv1alpha1.PackageVariant)
			reason, naming string
		}{
			{func(pv *configv1alpha1.PackageVariant) { pv.Spec.Upstream.Package = "nope" }, configv1alpha1.ReasonUpstreamNotFound, "spec.upstream"},
			{func(pv *configv1alpha1.PackageVariant) { pv.Spec.Upstream.Revision = 7 }, configv1alpha1.ReasonUpstreamNotFound, "no published revision 7"},
			{func(pv *configv1alpha1.PackageVariant) {
				pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"name": "x"}}
			}, configv1alpha1.ReasonValidationError, "spec.packageContext.data[name]"},
			{func(pv *configv1alpha1.PackageVariant) {
				pv.Spec.PackageContext = &configv1alpha1.PackageContext{RemoveKeys: []string{"package-path"}}
			}, configv1alpha1.ReasonValidationError, "spec.packageContext.removeKeys[0]"},
			{func(pv *configv1alpha1.PackageVariant) {
				pv.Spec.Pipeline = &kptfilev1.Pipeline{Mutators: []kptfilev1.Function{{Name: "set.labels", Image: "set-labels"}}}
			}, configv1alpha1.ReasonValidationError, "spec.pipeline.mutators[0].name"},
		} {
			pv := created(k8s, variant(ns, "bad-"+strings.ToLower(tc.reason)+"-"+randomSuffix(), "app", tc.change))
			Eventually(stalled(pv)).Should(Equal(tc.reason))
			Expect(meta.FindStatusCondition(variantOf(pv).Status.Conditions, configv1alpha1.ConditionStalled).Message).To(ContainSubstring(tc.naming))
		}
		Consistently(func() []porchv1alpha1.PackageRevision {
			list := &porchv1alpha1.PackageRevisionList{}
			Expect(k8s.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{porchv1alpha1.RepositoryLabel: "deployments"})).To(Succeed())
			return list.Items
		}, time.Second).Should(BeEmpty(), "a stalled variant makes nothing")
	})
})
