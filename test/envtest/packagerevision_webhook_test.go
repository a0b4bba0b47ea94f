package envtest

import (
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// These specs hold users (the administrator k8s, or an impersonated user)
// to the PackageRevision and PackageRevisionResources webhooks, and let the
// manager's own user (sys) through. Each refusal is checked for its status
// code, the field and the reason, and for leaving the object as it was.
var _ = Describe("PackageRevision webhook", func() {
	const (
		proposed         = porchv1alpha1.PackageRevisionLifecycleProposed
		published        = porchv1alpha1.PackageRevisionLifecyclePublished
		deletionProposed = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
		draft            = porchv1alpha1.PackageRevisionLifecycleDraft
	)
	setLifecycle := func(l porchv1alpha1.PackageRevisionLifecycle) func(*porchv1alpha1.PackageRevision) {
		return func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Lifecycle = l }
	}
	var ns string
	BeforeEach(func() {
		ns = newNamespace()
		// The revisions live in real repositories, authored by the
		// controller; "down" is one whose address nothing answers at, so
		// that its revisions stay unprocessed.
		authoringRepositories(ns, "r", "u", "l")
		down := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "down"}, Spec: configv1alpha1.RepositorySpec{
			Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: "http://127.0.0.1:1/down.git"}}}
		Expect(k8s.Create(ctx, down)).To(Succeed())
	})

	It("refuses a user's create of a Published revision, and lets the system make one", func() {
		pr := newRevision(ns, "r", "app", "v1", publishedAs(1))
		refused(k8s.Create(ctx, pr.DeepCopy()), apierrors.IsInvalid,
			`spec.lifecycle: Invalid value: "Published": a PackageRevision is created as Draft`,
			"spec.revision: Forbidden: set only by the system when the revision is published; leave it at 0")
		Expect(apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr.DeepCopy()))).To(BeTrue())

		pr.Labels = map[string]string{porchv1alpha1.LatestPackageRevisionKey: "true"}
		Expect(sys.Create(ctx, pr)).To(Succeed())
		Expect(changed(sys, pr, func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Revision = 2 })).To(Succeed())
	})

	It("refuses a name other than repository.package.workspace on metadata.name, saying the one it must be", func() {
		for name, want := range map[string]string{
			"anything":      "r.app.v1",
			"r.team-app.v1": "r.team.app.v1",
		} {
			pr := newRevision(ns, "r", "app", "v1")
			if want == "r.team.app.v1" {
				pr.Spec.PackageName = "team/app"
			}
			pr.Name = name
			err := k8s.Create(ctx, pr)
			refused(err, apierrors.IsInvalid,
				`metadata.name: Invalid value: "`+name+`": must be `+want+`: the repository, the package path with / as . and the workspace, joined by .`)
			Expect(err.Error()).NotTo(ContainSubstring("<nil>"))
		}
	})

	It("refuses Draft to Published, and a user's spec.revision or latest label", func() {
		pr := created(k8s, newRevision(ns, "r", "app", "v1"))
		refused(changed(k8s, pr, setLifecycle(published)), apierrors.IsInvalid,
			`spec.lifecycle: Invalid value: "Published": cannot change from Draft to Published; propose it first (Proposed), then approve (accepted from Draft: Draft, Proposed)`)
		refused(changed(k8s, pr, func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Revision = 3 }), apierrors.IsInvalid,
			"spec.revision: Forbidden: set only by the system when the revision is published; leave it at 0")
		refused(changed(k8s, pr, func(pr *porchv1alpha1.PackageRevision) {
			pr.Labels = map[string]string{porchv1alpha1.LatestPackageRevisionKey: "true"}
		}), apierrors.IsInvalid, "metadata.labels[kpt.dev/latest-revision]: Forbidden: set only by the system, on the highest published revision of a package; leave it out")
		unchanged(pr)
	})

	It("keeps a Published revision's spec, but not its labels, and its deletion waits for DeletionProposed", func() {
		pr := publishNew(ns, "r", "app", "v1")
		refused(changed(k8s, pr, func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.ReadinessGates = []porchv1alpha1.ReadinessGate{{ConditionType: "tested"}}
		}), apierrors.IsInvalid, "spec.readinessGates: Forbidden: a Published PackageRevision is immutable except spec.lifecycle and metadata")
		refused(changed(k8s, pr, setLifecycle(draft)), apierrors.IsInvalid, "spec.lifecycle", "cannot change from Published to Draft")
		refused(k8s.Delete(ctx, pr), apierrors.IsForbidden,
			"published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion")
		unchanged(pr)

		Expect(changed(k8s, pr, func(pr *porchv1alpha1.PackageRevision) { pr.Labels["team"] = "a" })).To(Succeed())
		moveTo(k8s, ns, pr.Name, deletionProposed)
		Expect(k8s.Delete(ctx, pr)).To(Succeed())
	})

	It("refuses proposing the deletion of, and deleting, a revision that another revision clones", func() {
		upstream := publishNew(ns, "u", "base", "v1")
		clone := created(k8s, newRevision(ns, "l", "app", "v1", clonedFrom(upstream.Name)))
		settled(ns, clone.Name)
		const names = `another revision's task names it: PackageRevision "l.app.v1" names it in spec.tasks[0].clone.upstreamRef.upstreamRef.name; delete that revision first`

		// The webhook lists referrers from the manager's cache: wait until it sees the clone.
		Eventually(func() error { return changed(k8s, upstream, setLifecycle(deletionProposed)) }).Should(HaveOccurred())
		refused(changed(k8s, upstream, setLifecycle(deletionProposed)), apierrors.IsForbidden, names)
		unchanged(upstream)

		// Proposed for deletion by the system (as a sync mirrors git), its
		// deletion is refused all the same.
		upstream = moveTo(sys, ns, upstream.Name, deletionProposed)
		refused(k8s.Delete(ctx, upstream), apierrors.IsForbidden, names)
		unchanged(upstream)

		Expect(k8s.Delete(ctx, clone)).To(Succeed())
		Eventually(func() error { return k8s.Delete(ctx, upstream) }).Should(Succeed())
	})

	It("refuses init of a package that exists, and a clone of a Draft", func() {
		created(k8s, newRevision(ns, "r", "app", "v1"))
		again := newRevision(ns, "r", "app", "v2")
		Eventually(func() error { return k8s.Create(ctx, again.DeepCopy(), client.DryRunAll) }).Should(HaveOccurred())
		refused(k8s.Create(ctx, again), apierrors.IsInvalid, `spec.tasks[0]: Forbidden: package "app" already exists in repository "r"`)

		wip := created(k8s, newRevision(ns, "u", "base", "wip"))
		refused(k8s.Create(ctx, newRevision(ns, "l", "copy", "v1", clonedFrom(wip.Name))), apierrors.IsInvalid,
			`spec.tasks[0].clone.upstreamRef.upstreamRef.name: Invalid value: "u.base.wip": PackageRevision "u.base.wip" is Draft; a clone's upstream must be Published`)
	})

	It("refuses proposing before render, and takes the files of a Draft only", func() {
		waiting := created(k8s, newRevision(ns, "down", "app", "v1"))
		refused(changed(k8s, waiting, setLifecycle(proposed)), apierrors.IsConflict, "spec.lifecycle: rendering in progress, retry")
		unchanged(waiting)

		pr := created(k8s, newRevision(ns, "r", "app", "v1"))
		prr := resourcesFor(pr)
		Expect(changed(k8s, prr, func(prr *porchv1alpha1.PackageRevisionResources) {
			prr.Spec.Resources = map[string]string{"Kptfile": prr.Status.Resources["Kptfile"],
				"deploy/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"}
		})).To(Succeed())
		pr = rendered(pr)
		Expect(changed(k8s, pr, setLifecycle(proposed))).To(Succeed())

		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), prr)).To(Succeed())
		refused(changed(k8s, prr, func(prr *porchv1alpha1.PackageRevisionResources) {
			prr.Spec.Resources = map[string]string{"Kptfile": "changed"}
		}),
			apierrors.IsInvalid, `spec.resources: Forbidden: PackageRevision "r.app.v1" is Proposed; spec.resources is writable only while it is a Draft`)
		unchanged(prr)
	})

	DescribeTable("refuses file names outside the package",
		func(path, reason string) {
			prr := resourcesFor(created(k8s, newRevision(ns, "r", "app", "v1")))
			refused(changed(k8s, prr, func(prr *porchv1alpha1.PackageRevisionResources) { prr.Spec.Resources = map[string]string{path: "x"} }),
				apierrors.IsInvalid, "spec.resources["+path+"]: Invalid value: \""+path+"\": "+reason)
			unchanged(prr)
		},
		Entry(nil, "../etc/passwd", "a file name must not have a .. segment"),
		Entry(nil, "/abs", "a file name must be relative to the package, not absolute"),
		Entry(nil, "a//b", "a file name must not have an empty segment"),
		Entry(nil, ".git/config", "a file name must not have a .git segment"),
	)

	It("refuses a user's create and delete of PackageRevisionResources", func() {
		pr := created(k8s, newRevision(ns, "r", "app", "v1"))
		prr := &porchv1alpha1.PackageRevisionResources{}
		prr.Namespace, prr.Name = ns, pr.Name
		refused(k8s.Create(ctx, prr), apierrors.IsForbidden, "PackageRevisionResources are created by the system with their PackageRevision")
		prr = resourcesFor(pr)
		refused(k8s.Delete(ctx, prr), apierrors.IsForbidden, `delete PackageRevision "r.app.v1" instead`)
		unchanged(prr)
	})

	It("lets only a user allowed packagerevisions/approval approve, and records who did", func() {
		const user = "carol"
		grant(ns, user, "editor", rbacv1.PolicyRule{APIGroups: []string{"porch.kpt.dev"}, Resources: []string{"packagerevisions"},
			Verbs: []string{"get", "list", "watch", "create", "update", "patch"}})
		carol := impersonating(user)
		pr := rendered(created(carol, newRevision(ns, "r", "app", "v1")))
		pr = moveTo(carol, ns, pr.Name, proposed)

		refused(changed(carol, pr, setLifecycle(published)), apierrors.IsForbidden,
			`spec.lifecycle: user "carol" may not approve (Proposed to Published): approving needs the permission update on packagerevisions/approval in namespace `+ns)
		unchanged(pr)

		grant(ns, user, "approver", rbacv1.PolicyRule{APIGroups: []string{"porch.kpt.dev"}, Resources: []string{"packagerevisions/approval"}, Verbs: []string{"update"}})
		Eventually(func() error { return changed(carol, pr, setLifecycle(published)) }).Should(Succeed())
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr)).To(Succeed())
		Expect(pr.Spec.Lifecycle).To(Equal(published))
		Expect(pr.Annotations).To(HaveKeyWithValue(porchv1alpha1.ApprovedByAnnotation, user))
	})

	It("refuses approval while a readiness gate is not met", func() {
		pr := created(k8s, newRevision(ns, "r", "app", "v1", func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.ReadinessGates = []porchv1alpha1.ReadinessGate{{ConditionType: "tested"}}
		}))
		pr = rendered(pr)
		pr = moveTo(k8s, ns, pr.Name, proposed)
		refused(changed(k8s, pr, setLifecycle(published)), apierrors.IsInvalid,
			`spec.readinessGates: Forbidden: readiness gates not met: "tested" not True in status.conditions or status.packageConditions`)
		unchanged(pr)

		By("the package's Kptfile reporting the condition True")
		moveTo(k8s, ns, pr.Name, draft)
		prr := resourcesFor(pr)
		Expect(changed(k8s, prr, func(prr *porchv1alpha1.PackageRevisionResources) {
			prr.Spec.Resources = map[string]string{}
			for path, content := range prr.Status.Resources {
				prr.Spec.Resources[path] = content
			}
			kf, err := kptfile.Update(prr.Status.Resources["Kptfile"], func(kf *kptfile.File) {
				kf.Status.Conditions = append(kf.Status.Conditions, kptfilev1.Condition{Type: "tested", Status: kptfilev1.ConditionTrue})
			})
			Expect(err).NotTo(HaveOccurred())
			prr.Spec.Resources["Kptfile"] = kf
		})).To(Succeed())
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr)).To(Succeed())
			g.Expect(pr.Status.PackageConditions).To(ContainElement(porchv1alpha1.PackageCondition{Type: "tested", Status: "True"}))
		}).Should(Succeed())
		pr = moveTo(k8s, ns, pr.Name, proposed)
		Expect(changed(k8s, pr, setLifecycle(published))).To(Succeed())
		Expect(settled(ns, pr.Name).Spec.Revision).To(Equal(1))
	})
})
