package envtest

import (
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/kptfile"
	"github.com/porch-dev/porch/internal/oci"
)

var _ = Describe("Cloning from OCI images", func() {
	const (
		proposed  = porchv1alpha1.PackageRevisionLifecycleProposed
		published = porchv1alpha1.PackageRevisionLifecyclePublished
	)

	// fromImage is a clone task reading image with the Secret secret ("" for none).
	fromImage := func(image, secret string) func(*porchv1alpha1.PackageRevision) {
		return func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
				Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeOCI,
					Oci: &porchv1alpha1.OciPackage{Image: image, SecretRef: porchv1alpha1.SecretRef{Name: secret}}}}}}
		}
	}
	// kptfileOf reads the Kptfile of a revision's resources.
	kptfileOf := func(ns, name string) *kptfile.File {
		GinkgoHelper()
		kf, err := kptfile.Read(resourcesOf(ns, name)["Kptfile"])
		Expect(err).NotTo(HaveOccurred())
		return kf
	}
	// failure is the reason and message of a revision's Ready condition.
	failure := func(ns, name string) func() string {
		return func() string {
			pr := revision(ns, name)
			if c := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady); c != nil && c.Status != metav1.ConditionTrue {
				return c.Reason + ": " + c.Message
			}
			return ""
		}
	}
	It("clones any image in the format from a registry that asks for a password, and records the image and its digest as the upstream", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints")
		reg := startGuardedRegistry("reader", "s3cret-pw")
		digest := reg.push("catalog", "basens", "v7", ociPackage("from-an-image", published, 7))
		image := reg.host + "/catalog/basens:v7"
		Expect(k8s.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: "registry", Namespace: ns},
			Type:       corev1.SecretTypeBasicAuth,
			StringData: map[string]string{"username": "reader", "password": "s3cret-pw"},
		})).To(Succeed())

		By("without the Secret the registry refuses, and the message holds no credential")
		anonymous := newRevision(ns, "blueprints", "anonymous", "v1", fromImage("oci://"+image, ""))
		Expect(k8s.Create(ctx, anonymous)).To(Succeed())
		Eventually(failure(ns, anonymous.Name)).Should(SatisfyAll(ContainSubstring(image), ContainSubstring("401")))
		Expect(failure(ns, anonymous.Name)()).NotTo(ContainSubstring("s3cret-pw"))

		By("with it, the clone has the image's files and records where they came from")
		pr := newRevision(ns, "blueprints", "mybasens", "v1", fromImage("oci://"+image, "registry"))
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		settled(ns, pr.Name)
		files := resourcesOf(ns, pr.Name)
		Expect(files["cm.yaml"]).To(ContainSubstring("from-an-image"))
		kf := kptfileOf(ns, pr.Name)
		Expect(kf.Name).To(Equal("mybasens"))
		Expect(kf.Upstream).NotTo(BeNil())
		Expect(kf.Upstream.Type).To(Equal(kptfile.OciOrigin))
		Expect(kf.Upstream.Oci).To(Equal(&kptfile.Oci{Image: image}))
		Expect(kf.Upstream.Git).To(BeNil())
		locked := image + "@" + digest.String()
		Expect(kf.UpstreamLock.Type).To(Equal(kptfile.OciOrigin))
		Expect(kf.UpstreamLock.Oci).To(Equal(&kptfile.Oci{Image: locked}))
		Expect(files["Kptfile"]).To(ContainSubstring("type: oci"))

		By("once published, the revision's status reports the lock as it is committed")
		moveTo(k8s, ns, pr.Name, proposed)
		got := moveTo(k8s, ns, pr.Name, published)
		Eventually(func() *porchv1alpha1.Locator { return revision(ns, got.Name).Status.UpstreamLock }).Should(
			Equal(&porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeOCI, Oci: &porchv1alpha1.OciLock{Image: locked}}))
	})

	It("refuses an image that is not a package, naming the image and the reason, and an address that is not one at admission", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints")
		reg := startRegistry()
		noPackage := reg.host + "/catalog/random:v1"
		ref, err := name.ParseReference(noPackage)
		Expect(err).NotTo(HaveOccurred())
		img, err := random.Image(64, 2)
		Expect(err).NotTo(HaveOccurred())
		Expect(remote.Write(ref, img)).To(Succeed())

		pr := newRevision(ns, "blueprints", "random", "v1", fromImage(noPackage, ""))
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		Eventually(failure(ns, pr.Name)).Should(SatisfyAll(
			HavePrefix(porchv1alpha1.ReasonTaskFailed), ContainSubstring("spec.tasks[0].clone.upstreamRef.oci.image"),
			ContainSubstring(noPackage), ContainSubstring("layers")))

		missing := newRevision(ns, "blueprints", "missing", "v1", fromImage(reg.host+"/catalog/nothing:v1", ""))
		Expect(k8s.Create(ctx, missing)).To(Succeed())
		Eventually(failure(ns, missing.Name)).Should(SatisfyAll(HavePrefix(porchv1alpha1.ReasonTaskFailed), ContainSubstring("not found")))

		bad := newRevision(ns, "blueprints", "bad", "v1", fromImage("oci://"+reg.host+"/Not A/Ref!", ""))
		err = k8s.Create(ctx, bad)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(SatisfyAll(ContainSubstring("spec.tasks[0].clone.upstreamRef.oci.image"), ContainSubstring("not an image address")))
	})

	It("clones an OCI repository's revision into git, and upgrades the clone when the package gets a new revision", func() {
		ns := newNamespace()
		reg := startRegistry()
		images := registerOCI(ns, "images", reg.host+"/packages")
		Eventually(readyReason(images)).Should(Equal(configv1alpha1.ReasonReady))
		authoringRepositories(ns, "blueprints")
		store, err := oci.NewStore(reg.host+"/packages", oci.StoreOptions{})
		Expect(err).NotTo(HaveOccurred())

		v1 := publishNew(ns, "images", "imagens", "v1")
		_, v1Digest, err := store.Read(ctx, "imagens", "v1")
		Expect(err).NotTo(HaveOccurred())
		clone := newRevision(ns, "blueprints", "fromimage", "v1", clonedFrom(v1.Name))
		Expect(k8s.Create(ctx, clone)).To(Succeed())
		settled(ns, clone.Name)
		kf := kptfileOf(ns, clone.Name)
		Expect(kf.Upstream.Oci).To(Equal(&kptfile.Oci{Image: reg.host + "/packages/imagens:v1"}))
		Expect(kf.UpstreamLock.Oci).To(Equal(&kptfile.Oci{Image: reg.host + "/packages/imagens:v1@" + v1Digest.String()}))
		editFile(ns, clone.Name, "local.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\ndata:\n  mine: \"yes\"\n")
		moveTo(k8s, ns, clone.Name, proposed)
		moveTo(k8s, ns, clone.Name, published)

		By("the upstream package gets revision 2 in the registry")
		v2 := publishEdit(ns, "images", v1, "v2", "upstream.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upstream\ndata:\n  version: \"2\"\n")
		_, v2Digest, err := store.Read(ctx, "imagens", "v2")
		Expect(err).NotTo(HaveOccurred())

		By("an upgrade merges it into the clone, keeping the local change, and locks the new image")
		upgraded := newRevision(ns, "blueprints", "fromimage", "v2", func(pr *porchv1alpha1.PackageRevision) {
			pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeUpgrade, Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{
				OldUpstream:             porchv1alpha1.PackageRevisionRef{Name: v1.Name},
				NewUpstream:             porchv1alpha1.PackageRevisionRef{Name: v2.Name},
				LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: clone.Name},
			}}}
		})
		Expect(k8s.Create(ctx, upgraded)).To(Succeed())
		settled(ns, upgraded.Name)
		files := resourcesOf(ns, upgraded.Name)
		Expect(files).To(HaveKey("upstream.yaml"))
		Expect(files["local.yaml"]).To(ContainSubstring("mine"))
		kf = kptfileOf(ns, upgraded.Name)
		Expect(kf.Name).To(Equal("fromimage"))
		Expect(kf.Upstream.Oci).To(Equal(&kptfile.Oci{Image: reg.host + "/packages/imagens:v2"}))
		Expect(kf.UpstreamLock.Oci).To(Equal(&kptfile.Oci{Image: reg.host + "/packages/imagens:v2@" + v2Digest.String()}))
		Expect(strings.Count(files["Kptfile"], "type: oci")).To(Equal(2))
	})

	It("keeps a PackageVariant's downstream in git current with its upstream package in an OCI repository", func() {
		ns := newNamespace()
		reg := startRegistry()
		images := registerOCI(ns, "images", reg.host+"/packages")
		Eventually(readyReason(images)).Should(Equal(configv1alpha1.ReasonReady))
		authoringRepositories(ns, "deployments")
		v1 := publishNew(ns, "images", "app", "v1")

		pv := created(k8s, variant(ns, "app-edge", "app", func(pv *configv1alpha1.PackageVariant) {
			pv.Spec.Upstream.Repo = "images"
			pv.Spec.PackageContext = &configv1alpha1.PackageContext{Data: map[string]string{"env": "prod"}}
		}))
		Eventually(ready(pv)).Should(BeTrue())
		draft := settled(ns, "deployments.app.packagevariant-1")
		Expect(draft.Spec.Tasks[0].Clone.Upstream.UpstreamRef.Name).To(Equal(v1.Name))
		Expect(kptfileOf(ns, draft.Name).Upstream.Oci).To(Equal(&kptfile.Oci{Image: reg.host + "/packages/app:v1"}))
		moveTo(k8s, ns, draft.Name, proposed)
		moveTo(k8s, ns, draft.Name, published)

		v2 := publishEdit(ns, "images", v1, "v2", "upstream.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upstream\n")

		upgrade := settled(ns, "deployments.app.packagevariant-2")
		Expect(upgrade.Spec.Tasks[0].Upgrade.OldUpstream.Name).To(Equal(v1.Name))
		Expect(upgrade.Spec.Tasks[0].Upgrade.NewUpstream.Name).To(Equal(v2.Name))
		Eventually(func(g Gomega) {
			files := resourcesFor(upgrade).Status.Resources
			g.Expect(files).To(HaveKey("upstream.yaml"))
			g.Expect(files["package-context.yaml"]).To(ContainSubstring("env: prod"))
		}).Should(Succeed())
		Expect(kptfileOf(ns, upgrade.Name).Upstream.Oci).To(Equal(&kptfile.Oci{Image: reg.host + "/packages/app:v2"}))
		Eventually(ready(pv)).Should(BeTrue())
	})
})

// editFile sets one file of a Draft's resources, as a user's update of
// its PackageRevisionResources, and waits until it is committed.
func editFile(ns, name, file, content string) {
	GinkgoHelper()
	Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr); err != nil {
			return err
		}
		files := map[string]string{}
		for n, c := range prr.Status.Resources {
			files[n] = c
		}
		files[file] = content
		prr.Spec.Resources = files
		return k8s.Update(ctx, prr)
	})).To(Succeed())
	settled(ns, name)
}

// publishEdit publishes, as workspace ws, an edit of the published revision
// from with file set to content, and returns it published.
func publishEdit(ns, repo string, from *porchv1alpha1.PackageRevision, ws, file, content string) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	next := newRevision(ns, repo, from.Spec.PackageName, ws, editOf(from.Name))
	Expect(k8s.Create(ctx, next)).To(Succeed())
	settled(ns, next.Name)
	editFile(ns, next.Name, file, content)
	moveTo(k8s, ns, next.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
	return moveTo(k8s, ns, next.Name, porchv1alpha1.PackageRevisionLifecyclePublished)
}
