package envtest

import (
	"archive/tar"
	"bytes"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/crane"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/oci"
)

var _ = Describe("Authoring in an OCI repository", func() {
	var (
		ns     string
		reg    *ociRegistry
		images *oci.Store
	)
	const (
		draft     = porchv1alpha1.PackageRevisionLifecycleDraft
		proposed  = porchv1alpha1.PackageRevisionLifecycleProposed
		published = porchv1alpha1.PackageRevisionLifecyclePublished
		deletion  = porchv1alpha1.PackageRevisionLifecycleDeletionProposed
	)

	BeforeEach(func() {
		ns, reg = newNamespace(), startRegistry()
		repo := registerOCI(ns, "images", reg.host+"/packages")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		var err error
		images, err = oci.NewStore(reg.host+"/packages", oci.StoreOptions{})
		Expect(err).NotTo(HaveOccurred())
	})

	// image reads what tag ws of package pkg holds, as any client of the
	// registry would.
	image := func(pkg, ws string) (oci.Package, v1.Hash) {
		GinkgoHelper()
		p, digest, err := images.Read(ctx, pkg, ws)
		Expect(err).NotTo(HaveOccurred())
		return p, digest
	}

	// shown is what crane, a client that knows nothing of packages, reads of
	// tag ws of package pkg: its manifest's lifecycle and revision
	// annotations, its layers' media types, and the files of its one layer.
	type shown struct {
		Lifecycle, Revision string
		Layers              []string
		Files               []string
		LayerDigest         string
	}
	craneShows := func(pkg, ws string) shown {
		GinkgoHelper()
		ref := reg.host + "/packages/" + pkg + ":" + ws
		raw, err := crane.Manifest(ref)
		Expect(err).NotTo(HaveOccurred())
		m, err := v1.ParseManifest(bytes.NewReader(raw))
		Expect(err).NotTo(HaveOccurred())
		out := shown{Lifecycle: m.Annotations["kpt.dev/lifecycle"], Revision: m.Annotations["kpt.dev/revision"]}
		for _, l := range m.Layers {
			out.Layers = append(out.Layers, string(l.MediaType))
			out.LayerDigest = l.Digest.String()
		}
		img, err := crane.Pull(ref)
		Expect(err).NotTo(HaveOccurred())
		var tarball bytes.Buffer
		Expect(crane.Export(img, &tarball)).To(Succeed())
		for tr := tar.NewReader(&tarball); ; {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			out.Files = append(out.Files, h.Name)
		}
		sort.Strings(out.Files)
		return out
	}
	craneTags := func(pkg string) []string {
		GinkgoHelper()
		tags, err := crane.ListTags(reg.host + "/packages/" + pkg)
		Expect(err).NotTo(HaveOccurred())
		sort.Strings(tags)
		return tags
	}
	const layer = "application/vnd.oci.image.layer.v1.tar+gzip"

	It("writes every step of a revision's life as the tag of its workspace: init, edit, propose, approve, propose deletion and delete", func() {
		pr := newRevision(ns, "images", "basens", "v1")
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		settled(ns, pr.Name)
		p, created := image("basens", "v1")
		Expect(p.Lifecycle).To(Equal(draft))
		Expect(p.Files).To(HaveKey("Kptfile"))
		Expect(p.Tasks).To(HaveLen(1))
		Expect(p.Tasks[0].Type).To(Equal(porchv1alpha1.TaskTypeInit))
		Expect(resourcesOf(ns, pr.Name)).To(Equal(p.Files))
		initial := craneShows("basens", "v1")
		Expect(initial.LayerDigest).NotTo(BeEmpty())
		initial.LayerDigest = ""
		Expect(initial).To(Equal(shown{Lifecycle: "Draft", Layers: []string{layer}, Files: []string{"Kptfile", "README.md", "package-context.yaml"}}))
		Expect(craneTags("basens")).To(Equal([]string{"v1"}))

		By("an edit moves the tag to an image of the new files")
		editFile(ns, pr.Name, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  edited: \"yes\"\n")
		Eventually(func() string { p, _ := image("basens", "v1"); return p.Files["cm.yaml"] }).Should(ContainSubstring("edited"))
		settled(ns, pr.Name)
		p, edited := image("basens", "v1")
		Expect(edited).NotTo(Equal(created))
		Expect(p.Lifecycle).To(Equal(draft))
		Expect(craneShows("basens", "v1").Files).To(ContainElement("cm.yaml"))

		By("propose and approve change the lifecycle annotation and give the number")
		moveTo(k8s, ns, pr.Name, proposed)
		p, _ = image("basens", "v1")
		Expect(p.Lifecycle).To(Equal(proposed))
		Expect(craneShows("basens", "v1")).To(SatisfyAll(
			HaveField("Lifecycle", "Proposed"), HaveField("Revision", ""), HaveField("Layers", []string{layer})))
		got := moveTo(k8s, ns, pr.Name, published)
		Expect(got.Spec.Revision).To(Equal(1))
		p, _ = image("basens", "v1")
		Expect(p.Lifecycle).To(Equal(published))
		Expect(p.Revision).To(Equal(1))
		Expect(p.Files["cm.yaml"]).To(ContainSubstring("edited"))
		v1Shown := craneShows("basens", "v1")
		Expect(v1Shown).To(SatisfyAll(HaveField("Lifecycle", "Published"), HaveField("Revision", "1"), HaveField("Layers", []string{layer})))

		By("the package's latest tag follows its newest published revision")
		Expect(craneTags("basens")).To(Equal([]string{"latest", "v1"}))
		Expect(craneShows("basens", "latest")).To(Equal(v1Shown))
		v1Digest, err := crane.Digest(reg.host + "/packages/basens:v1")
		Expect(err).NotTo(HaveOccurred())
		Expect(crane.Digest(reg.host+"/packages/basens:latest")).NotTo(Equal(v1Digest), "latest has a manifest of its own")

		By("a second revision of the package is number 2")
		second := newRevision(ns, "images", "basens", "v2", func(next *porchv1alpha1.PackageRevision) {
			next.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: pr.Name}}}}
		})
		Expect(k8s.Create(ctx, second)).To(Succeed())
		settled(ns, second.Name)
		p, _ = image("basens", "v2")
		Expect(p.Files["cm.yaml"]).To(ContainSubstring("edited"), "an edit starts from the revision it names")
		editFile(ns, second.Name, "second.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n")
		moveTo(k8s, ns, second.Name, proposed)
		second = moveTo(k8s, ns, second.Name, published)
		Expect(second.Spec.Revision).To(Equal(2))
		p, _ = image("basens", "v2")
		Expect(p.Revision).To(Equal(2))
		Expect(craneTags("basens")).To(Equal([]string{"latest", "v1", "v2"}))
		Expect(craneShows("basens", "latest")).To(SatisfyAll(HaveField("Revision", "2"), HaveField("Files", ContainElement("second.yaml"))))

		By("the sync mirrors what authoring wrote, without another object")
		time.Sleep(time.Second)
		repo := repositoryNamed(ns, "images")
		syncedOnce(repo, runOnce(repo))
		Expect(revisionRows(ns, "images")()).To(Equal([]string{
			"images.basens.latest basens latest -1 Published latest=false task=init",
			"images.basens.v1 basens v1 1 Published latest=false task=init",
			"images.basens.v2 basens v2 2 Published latest=true task=edit",
		}))
		Expect(resourcesOf(ns, "images.basens.latest")).To(HaveKey("second.yaml"), "the placeholder holds the newest revision's files")

		By("a proposal of deletion, then the deletion, remove the tag")
		moveTo(k8s, ns, second.Name, deletion)
		p, _ = image("basens", "v2")
		Expect(p.Lifecycle).To(Equal(deletion))
		Expect(p.Revision).To(Equal(2))
		Expect(k8s.Delete(ctx, revision(ns, second.Name))).To(Succeed())
		Eventually(func() bool {
			err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: second.Name}, &porchv1alpha1.PackageRevision{})
			return apierrors.IsNotFound(err)
		}).Should(BeTrue())
		tags, err := images.Tags(ctx, "basens")
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, t := range tags {
			names = append(names, t.Name)
		}
		Expect(strings.Join(names, ",")).To(Equal("v1"))
		Expect(craneTags("basens")).To(Equal([]string{"latest", "v1"}))

		By("the deleted revision's number is not given again")
		third := newRevision(ns, "images", "basens", "v3", func(next *porchv1alpha1.PackageRevision) {
			next.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: pr.Name}}}}
		})
		Expect(k8s.Create(ctx, third)).To(Succeed())
		settled(ns, third.Name)
		moveTo(k8s, ns, third.Name, proposed)
		Expect(moveTo(k8s, ns, third.Name, published).Spec.Revision).To(Equal(3))
		p, _ = image("basens", "v3")
		Expect(p.Revision).To(Equal(3))
		Expect(craneShows("basens", "v3")).To(SatisfyAll(HaveField("Lifecycle", "Published"), HaveField("Revision", "3")))
		Expect(craneShows("basens", "latest").Revision).To(Equal("3"))

		By("deleting the placeholder deletes the latest tag, and leaves the revisions")
		Eventually(func() error {
			return k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "images.basens.latest"}, &porchv1alpha1.PackageRevision{})
		}).Should(Succeed())
		Expect(k8s.Delete(ctx, revision(ns, "images.basens.latest"))).To(Succeed())
		Eventually(func() []string { return craneTags("basens") }).Should(Equal([]string{"v1", "v3"}))
	})

	It("gives two approvals of one package at once two numbers, as OCI has no compare-and-swap to do it", func() {
		first := newRevision(ns, "images", "twin", "a")
		Expect(k8s.Create(ctx, first)).To(Succeed())
		settled(ns, first.Name)
		moveTo(k8s, ns, first.Name, proposed)
		moveTo(k8s, ns, first.Name, published)
		var drafts []string
		for _, ws := range []string{"b", "c", "d"} {
			next := newRevision(ns, "images", "twin", ws, func(pr *porchv1alpha1.PackageRevision) {
				pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: first.Name}}}}
			})
			Expect(k8s.Create(ctx, next)).To(Succeed())
			settled(ns, next.Name)
			moveTo(k8s, ns, next.Name, proposed)
			drafts = append(drafts, next.Name)
		}
		// The approvals land at once, and are carried out concurrently.
		for _, name := range drafts {
			Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
				pr := revision(ns, name)
				pr.Spec.Lifecycle = published
				return k8s.Update(ctx, pr)
			})).To(Succeed())
		}
		numbers := map[int]string{1: first.Name}
		for _, name := range drafts {
			pr := settled(ns, name)
			Expect(numbers).NotTo(HaveKey(pr.Spec.Revision), "%s took revision %d, already %s's", name, pr.Spec.Revision, numbers[pr.Spec.Revision])
			numbers[pr.Spec.Revision] = name
			p, _ := image("twin", pr.Spec.WorkspaceName)
			Expect(p.Revision).To(Equal(pr.Spec.Revision))
		}
		Expect(numbers).To(HaveLen(4))
		Expect(numbers).To(HaveKey(4))
	})

	It("clones a git repository's revision into an image", func() {
		authoringRepositories(ns, "blueprints")
		upstream := publishNew(ns, "blueprints", "basens", "v1")
		clone := newRevision(ns, "images", "mybasens", "v1", clonedFrom(upstream.Name))
		Expect(k8s.Create(ctx, clone)).To(Succeed())
		settled(ns, clone.Name)
		p, _ := image("mybasens", "v1")
		Expect(p.Files["Kptfile"]).To(SatisfyAll(ContainSubstring("upstream:"), ContainSubstring("type: git"), ContainSubstring("ref: basens/v1")))
		Expect(p.Tasks[0].Type).To(Equal(porchv1alpha1.TaskTypeClone))
	})

	It("deletes a draft's tag with the draft", func() {
		pr := newRevision(ns, "images", "web", "wip")
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		settled(ns, pr.Name)
		image("web", "wip")
		Expect(k8s.Delete(ctx, revision(ns, pr.Name))).To(Succeed())
		Eventually(func() error { _, err := images.Head(ctx, "web", "wip"); return err }).Should(MatchError(ContainSubstring("not found")))
	})
})
