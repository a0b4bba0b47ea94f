package envtest

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// syncsOf counts the syncs that fetched and wrote (synced or failed) of the
// Repositories of namespace, from the manager's metrics.
func syncsOf(namespace string) float64 {
	families, err := metrics.Registry.Gather()
	Expect(err).NotTo(HaveOccurred())
	total := 0.0
	for _, family := range families {
		if family.GetName() != "porch_repository_syncs_total" {
			continue
		}
		for _, m := range family.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["namespace"] == namespace && (labels["result"] == "synced" || labels["result"] == "failed") {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

var _ = Describe("Fair sharing", func() {
	It("refuses at admission a schedule firing more often than the manager's minimum sync interval, naming spec.sync.schedule", func() {
		ns := newNamespace()
		withSchedule := func(name, schedule string) *configv1alpha1.Repository {
			return &configv1alpha1.Repository{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
				Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
					// Nothing answers here: admission does not care.
					Git:  &configv1alpha1.GitRepository{Repo: "http://127.0.0.1:1/" + name + ".git"},
					Sync: &configv1alpha1.RepositorySync{Schedule: schedule}},
			}
		}
		refused := func(err error, says ...string) {
			GinkgoHelper()
			Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
			for _, part := range says {
				Expect(err.Error()).To(ContainSubstring(part))
			}
		}

		By("the attack: a sync every second")
		refused(k8s.Create(ctx, withSchedule("every-second", "@every 1s")),
			`spec.sync.schedule: Invalid value: "@every 1s"`, "every 1s", "minimum sync interval of 1m0s")
		refused(k8s.Create(ctx, withSchedule("every-30s", "@every 30s")), "spec.sync.schedule", "every 30s", "1m0s")
		refused(k8s.Create(ctx, withSchedule("seconds-field", "* * * * * *")), "spec.sync.schedule", "not a cron expression")

		By("a schedule at or above the minimum is accepted, and cannot be made faster")
		slow := withSchedule("every-2m", "@every 2m")
		Expect(k8s.Create(ctx, slow)).To(Succeed())
		Expect(k8s.Create(ctx, withSchedule("every-minute", "* * * * *"))).To(Succeed())
		update := func(change func(*configv1alpha1.RepositorySync)) error {
			got := &configv1alpha1.Repository{}
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(slow), got)).To(Succeed())
			change(got.Spec.Sync)
			return k8s.Update(ctx, got)
		}
		var err error
		Eventually(func() bool {
			err = update(func(s *configv1alpha1.RepositorySync) { s.Schedule = "@every 1s" })
			return apierrors.IsConflict(err) // the controller added its finalizer meanwhile: again
		}).Should(BeFalse())
		refused(err, "spec.sync.schedule", "every 1s")
		runOnceAt := metav1.NewTime(time.Now().Truncate(time.Second))
		Eventually(func() error {
			return update(func(s *configv1alpha1.RepositorySync) { s.RunOnceAt = &runOnceAt })
		}).Should(Succeed(), "runOnceAt is one sync, not held to the minimum")
	})

	It("labels again a mirrored revision whose repository label was removed, without syncing in a loop", func() {
		ns, srv := gitNamespace()
		w := publishOne(authURL(srv, "relabel"))
		repo := register(ns, "relabel", srv.RepoURL("relabel"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		name := porchv1alpha1.RevisionName("relabel", "pkg", "one")
		published := revision(ns, name)
		Expect(published.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecyclePublished))

		By("the attack: an administrator removes the label the sync lists its objects by, from the revision and its resources")
		unlabel := func(obj client.Object) {
			GinkgoHelper()
			Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj)).To(Succeed())
			before := obj.DeepCopyObject().(client.Object)
			labels := obj.GetLabels()
			delete(labels, porchv1alpha1.RepositoryLabel)
			obj.SetLabels(labels)
			Expect(k8s.Patch(ctx, obj, client.MergeFrom(before))).To(Succeed())
		}
		unlabel(&porchv1alpha1.PackageRevision{})
		unlabel(&porchv1alpha1.PackageRevisionResources{})

		By("then the repository moves on, and a sync is asked for, as the authoring controller asks after a write")
		w.git("checkout", "-q", "-b", "drafts/pkg/two")
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "two")})
		w.commit("Intermediate commit", annotation("pkg", "two", "", nil))
		w.push("drafts/pkg/two")
		before := syncsOf(ns)
		syncRequests.Request(ns, "relabel")

		By("the sync does not run again and again: at most 3 syncs over the 10 seconds after the one asked for")
		Eventually(func() float64 { return syncsOf(ns) - before }).Should(BeNumerically(">=", 1))
		Consistently(func() float64 { return syncsOf(ns) - before }, 10*time.Second, 250*time.Millisecond).Should(BeNumerically("<=", 3))

		By("it labelled them again: the same objects, never created anew, and the new draft is mirrored")
		pr := revision(ns, name)
		Expect(pr.Labels).To(HaveKeyWithValue(porchv1alpha1.RepositoryLabel, "relabel"))
		Expect(pr.UID).To(Equal(published.UID))
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr)).To(Succeed())
		Expect(prr.Labels).To(HaveKeyWithValue(porchv1alpha1.RepositoryLabel, "relabel"))
		Expect(revisionRows(ns, "relabel")()).To(Equal([]string{
			"relabel.pkg.main pkg main -1 Published latest=false task=",
			"relabel.pkg.one pkg one 1 Published latest=true task=",
			"relabel.pkg.two pkg two 0 Draft latest=false task=",
		}))
		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		ready := meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady)
		Expect(ready).NotTo(BeNil())
		Expect(ready.Status).To(Equal(metav1.ConditionTrue))
		Expect(ready.Message).NotTo(ContainSubstring("was not made by this Repository's sync"))
	})
})
