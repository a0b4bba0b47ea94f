package envtest

import (
	"maps"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// suiteMaxPackageBytes is the content limit the suite's manager runs with.
const suiteMaxPackageBytes = 64 << 10

var _ = Describe("Input limits", func() {
	var (
		ns     string
		remote func(string) string
	)
	BeforeEach(func() {
		ns = newNamespace()
		remote = authoringRepositories(ns, "u")
	})
	refs := func() string {
		GinkgoHelper()
		return gitOutput("ls-remote", remote("u"))
	}
	// draft makes a Draft by init and returns its resources as committed.
	draft := func(name, pkg string) *porchv1alpha1.PackageRevisionResources {
		GinkgoHelper()
		Expect(k8s.Create(ctx, newRevision(ns, "u", pkg, "v1"))).To(Succeed())
		settled(ns, name)
		prr := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, prr)).To(Succeed())
		Expect(prr.Status.Resources).To(HaveKey("Kptfile"))
		return prr
	}
	// write replaces a draft's spec.resources and returns the API's answer.
	write := func(prr *porchv1alpha1.PackageRevisionResources, files map[string]string) error {
		return changed(k8s, prr, func(p *porchv1alpha1.PackageRevisionResources) { p.Spec.Resources = files })
	}
	with := func(files map[string]string, name, content string) map[string]string {
		out := maps.Clone(files)
		out[name] = content
		return out
	}

	// bigConfigMap is a ConfigMap file whose package with files is size bytes.
	bigConfigMap := func(files map[string]string, size int64) map[string]string {
		const head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "
		out := with(files, "big.yaml", head+"\n")
		out["big.yaml"] = head + strings.Repeat("x", int(size-porchv1alpha1.ResourcesSize(out))) + "\n"
		Expect(porchv1alpha1.ResourcesSize(out)).To(Equal(size))
		return out
	}

	It("refuses a spec.resources over the content limit, naming the field and both sizes, and leaves the draft and git as they were", func() {
		prr := draft("u.app.v1", "app")
		before := refs()

		By("a file that takes the package one byte past the limit")
		files := bigConfigMap(prr.Status.Resources, suiteMaxPackageBytes+1)
		err := write(prr, files)
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("spec.resources"))
		Expect(err.Error()).To(ContainSubstring("the package is %d bytes", suiteMaxPackageBytes+1))
		Expect(err.Error()).To(ContainSubstring("over the content limit of %d bytes", suiteMaxPackageBytes))

		By("the draft and its repository are as they were")
		unchanged(prr)
		Expect(refs()).To(Equal(before))
		now := &porchv1alpha1.PackageRevisionResources{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), now)).To(Succeed())
		Expect(now.Status.Resources).To(Equal(prr.Status.Resources))

		By("a package exactly at the limit passes admission")
		atLimit := bigConfigMap(prr.Status.Resources, suiteMaxPackageBytes)
		dry := prr.DeepCopy()
		dry.Spec.Resources = atLimit
		Expect(k8s.Patch(ctx, dry, client.MergeFrom(prr), client.DryRunAll)).To(Succeed())

		By("the owner's next edit within the limit is committed")
		Expect(write(prr, bigConfigMap(prr.Status.Resources, suiteMaxPackageBytes/2))).To(Succeed())
		Eventually(refs).ShouldNot(Equal(before))
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), now)).To(Succeed())
			g.Expect(now.Status.ObservedGeneration).To(Equal(now.Generation))
			g.Expect(now.Status.Resources).To(HaveKey("big.yaml"))
		}).Should(Succeed())
	})

	It("refuses a file name with a segment of 256 bytes, naming the key, and commits one of 255", func() {
		prr := draft("u.names.v1", "names")
		before := refs()
		tooLong := "deploy/" + strings.Repeat("n", 251) + ".yaml"
		err := write(prr, with(prr.Status.Resources, tooLong, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\n"))
		Expect(apierrors.IsInvalid(err)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("spec.resources[%s]", tooLong))
		Expect(err.Error()).To(ContainSubstring("at most 255 bytes long; one here is 256"))
		unchanged(prr)
		Expect(refs()).To(Equal(before))

		longest := "deploy/" + strings.Repeat("n", 250) + ".yaml"
		Expect(write(prr, with(prr.Status.Resources, longest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\n"))).To(Succeed())
		Eventually(refs).ShouldNot(Equal(before))
		clone := GinkgoT().TempDir()
		gitOutput("clone", "-q", "--branch", "drafts/names/v1", remote("u"), clone)
		Expect(gitOutput("-C", clone, "ls-tree", "-r", "--name-only", "HEAD")).To(ContainSubstring("names/" + longest))
	})

	It("commits nothing of a render whose output is over the content limit, even when asked to push on failure, and says why", func() {
		prr := draft("u.grow.v1", "grow")
		before := refs()
		committed := prr.Status.Resources
		// A starlark function that copies a 1 KiB ConfigMap 100 times: 100
		// KiB out of a package of about 2 KiB.
		files := with(committed, "Kptfile", committed["Kptfile"]+"pipeline:\n  mutators:\n    - image: gcr.io/kpt-fn/starlark:v0.5\n      configPath: grow.yaml\n")
		files["seed.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seed\ndata:\n  blob: " + strings.Repeat("s", 1024) + "\n"
		files["grow.yaml"] = `apiVersion: fn.kpt.dev/v1alpha1
kind: StarlarkRun
metadata:
  name: grow
  annotations:
    config.kubernetes.io/local-config: "true"
source: |
  items = ctx.resource_list["items"]
  seed = [r for r in items if r["kind"] == "ConfigMap" and r["metadata"]["name"] == "seed"][0]
  copies = []
  for i in range(100):
    copies.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "copy-%d" % i}, "data": seed["data"]})
  ctx.resource_list["items"] = items + copies
`
		Expect(porchv1alpha1.ResourcesSize(files)).To(BeNumerically("<", suiteMaxPackageBytes))
		Expect(write(prr, files)).To(Succeed())

		expectRefused := func() {
			GinkgoHelper()
			now := &porchv1alpha1.PackageRevisionResources{}
			Eventually(func(g Gomega) {
				g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), now)).To(Succeed())
				g.Expect(now.Status.ObservedGeneration).To(Equal(now.Generation))
			}).Should(Succeed())
			Expect(now.Status.RenderStatus).NotTo(BeNil())
			Expect(now.Status.RenderStatus.Err).To(MatchRegexp(`the rendered package is \d+ bytes .*over the content limit of %d bytes`, suiteMaxPackageBytes))
			Expect(now.Status.RenderStatus.Err).To(ContainSubstring("nothing was committed"))
			Expect(now.Status.Resources).To(Equal(committed))
			// Rendered describes the committed content, which is unchanged.
			pr := &porchv1alpha1.PackageRevision{}
			Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), pr)).To(Succeed())
			Expect(meta.IsStatusConditionTrue(pr.Status.Conditions, porchv1alpha1.ConditionRendered)).To(BeTrue(), "%+v", pr.Status.Conditions)
			Expect(refs()).To(Equal(before))
		}
		expectRefused()

		By("asking to push on render failure does not commit it either")
		pr := &porchv1alpha1.PackageRevision{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), pr)).To(Succeed())
		Expect(changed(k8s, pr, func(p *porchv1alpha1.PackageRevision) {
			p.Annotations = map[string]string{porchv1alpha1.PushOnRenderFailureAnnotation: "true"}
		})).To(Succeed())
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), prr)).To(Succeed())
		Expect(write(prr, with(files, "note.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: note\n"))).To(Succeed())
		expectRefused()

		By("the same pipeline with fewer copies is committed")
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), prr)).To(Succeed())
		Expect(write(prr, with(files, "grow.yaml", strings.Replace(files["grow.yaml"], "range(100)", "range(3)", 1)))).To(Succeed())
		Eventually(refs).ShouldNot(Equal(before))
		Eventually(func(g Gomega) {
			now := &porchv1alpha1.PackageRevisionResources{}
			g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), now)).To(Succeed())
			g.Expect(now.Status.ObservedGeneration).To(Equal(now.Generation))
			g.Expect(now.Status.RenderStatus.Err).To(BeEmpty())
			g.Expect(strings.Join(slices.Collect(maps.Values(now.Status.Resources)), "")).To(ContainSubstring("copy-2"))
		}).Should(Succeed())
	})
})
