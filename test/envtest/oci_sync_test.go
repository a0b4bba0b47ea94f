package envtest

import (
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	ociregistry "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/oci"
)

// ociRegistry is an in-process registry whose requests the spec counts
// and can refuse: the catalog (as registries without one do), or all of
// them (a registry that is down).
type ociRegistry struct {
	host                     string
	refuseCatalog, down      atomic.Bool
	contentGets, allRequests atomic.Int64
	// contentPaths are the paths of the content GETs, for a failure to show.
	contentPaths sync.Map
	// user and password, when set, are the only credentials it takes.
	user, password string
}

func startRegistry() *ociRegistry { return startGuardedRegistry("", "") }

func startGuardedRegistry(user, password string) *ociRegistry {
	r := &ociRegistry{user: user, password: password}
	inner := ociregistry.New(ociregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.allRequests.Add(1)
		switch {
		case r.down.Load():
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		case r.user != "":
			if u, p, ok := req.BasicAuth(); !ok || u != r.user || p != r.password {
				w.Header().Set("WWW-Authenticate", `Basic realm="registry"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		case r.refuseCatalog.Load() && strings.HasSuffix(req.URL.Path, "/_catalog"):
			http.Error(w, `{"errors":[{"code":"UNSUPPORTED"}]}`, http.StatusNotFound)
			return
		case req.Method == http.MethodGet && (strings.Contains(req.URL.Path, "/manifests/") || strings.Contains(req.URL.Path, "/blobs/")):
			n := r.contentGets.Add(1)
			r.contentPaths.Store(n, req.URL.Path)
		}
		inner.ServeHTTP(w, req)
	}))
	DeferCleanup(srv.Close)
	r.host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

// contentLog lists the content GETs counted since contentGets was last
// set to 0.
func (r *ociRegistry) contentLog() string {
	var b strings.Builder
	for n := int64(1); n <= r.contentGets.Load(); n++ {
		if path, ok := r.contentPaths.Load(n); ok {
			fmt.Fprintf(&b, "%d %s\n", n, path)
		}
	}
	return b.String()
}

// push writes a package revision as tag ws of package pkg under path.
func (r *ociRegistry) push(path, pkg, ws string, p oci.Package) v1.Hash {
	GinkgoHelper()
	store, err := oci.NewStore(r.host+"/"+path, r.storeOptions())
	Expect(err).NotTo(HaveOccurred())
	img, err := oci.BuildImage(p)
	Expect(err).NotTo(HaveOccurred())
	current, err := store.Head(ctx, pkg, ws)
	if err != nil {
		current = v1.Hash{}
	}
	digest, err := store.Write(ctx, pkg, ws, img, current)
	Expect(err).NotTo(HaveOccurred())
	return digest
}

func (r *ociRegistry) storeOptions() oci.StoreOptions {
	return oci.StoreOptions{Auth: oci.Authenticator(backend.Credentials{Username: r.user, Password: r.password})}
}

func (r *ociRegistry) remove(path, pkg, ws string) {
	GinkgoHelper()
	store, err := oci.NewStore(r.host+"/"+path, r.storeOptions())
	Expect(err).NotTo(HaveOccurred())
	Expect(store.Delete(ctx, pkg, ws, v1.Hash{})).To(Succeed())
}

// ociPackage is a small package whose ConfigMap says note.
func ociPackage(note string, lifecycle porchv1alpha1.PackageRevisionLifecycle, revision int) oci.Package {
	return oci.Package{
		Files: map[string]string{
			"Kptfile":        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\ninfo:\n  description: " + note + "\n",
			"cm.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  note: " + note + "\n",
			"nested/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
		},
		Lifecycle: lifecycle,
		Revision:  revision,
		Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: note}}},
		Created:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func registerOCI(namespace, name, registry string) *configv1alpha1.Repository {
	repo := &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:       configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI, Oci: &configv1alpha1.OciRepository{Registry: registry}},
	}
	Expect(k8s.Create(ctx, repo)).To(Succeed())
	return repo
}

func readyMessage(repo *configv1alpha1.Repository) string {
	GinkgoHelper()
	got := &configv1alpha1.Repository{}
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
	if c := meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady); c != nil {
		return c.Message
	}
	return ""
}

var _ = Describe("OCI repository sync", func() {
	var (
		ns  string
		reg *ociRegistry
	)
	const (
		draft     = porchv1alpha1.PackageRevisionLifecycleDraft
		proposed  = porchv1alpha1.PackageRevisionLifecycleProposed
		published = porchv1alpha1.PackageRevisionLifecyclePublished
	)

	BeforeEach(func() {
		ns, reg = newNamespace(), startRegistry()
	})

	It("mirrors every package revision under the registry path, reads nothing again when nothing moved, and follows tags as they move", func() {
		v1Files := ociPackage("one", published, 1)
		reg.push("packages", "basens", "v1", v1Files)
		reg.push("packages", "basens", "v2", ociPackage("two", published, 2))
		reg.push("packages", "basens", "wip", ociPackage("wip", draft, 0))
		reg.push("packages", "nested/app", "review", ociPackage("review", proposed, 0))
		reg.push("packages", "nested/app", "v1", ociPackage("app", published, 1))
		reg.push("elsewhere", "basens", "v9", ociPackage("not ours", published, 9))
		// Not a package: an image of two random layers, pushed by another tool.
		notPackage, err := random.Image(64, 2)
		Expect(err).NotTo(HaveOccurred())
		broken, err := name.ParseReference(reg.host + "/packages/broken:v1")
		Expect(err).NotTo(HaveOccurred())
		Expect(remote.Write(broken, notPackage)).To(Succeed())

		repo := registerOCI(ns, "images", reg.host+"/packages")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(revisionRows(ns, "images")()).To(Equal([]string{
			"images.basens.v1 basens v1 1 Published latest=false task=init",
			"images.basens.v2 basens v2 2 Published latest=true task=init",
			"images.basens.wip basens wip 0 Draft latest=false task=init",
			"images.nested.app.review nested/app review 0 Proposed latest=false task=init",
			"images.nested.app.v1 nested/app v1 1 Published latest=true task=init",
		}))
		Expect(packageRows(ns)()).To(Equal([]string{"images.basens basens images 2", "images.nested.app nested/app images 1"}))
		Expect(resourcesOf(ns, "images.basens.v1")).To(Equal(v1Files.Files))
		pr := revision(ns, "images.basens.v1")
		Expect(pr.Status.PublishedAt).NotTo(BeNil())
		Expect(pr.Status.PublishedAt.Time.UTC()).To(Equal(v1Files.Created))
		ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
		Expect(ready.Message).To(Equal("Read from image " + reg.host + "/packages/basens:v1"))
		Expect(readyMessage(repo)).To(SatisfyAll(ContainSubstring("mirrored 5 package revisions"), ContainSubstring("skipped 1"),
			ContainSubstring(reg.host+"/packages/broken:v1 has 2 layers")))

		By("an unchanged sync pulls no image and writes no object")
		before := resourceVersions(ns)()
		reg.contentGets.Store(0)
		syncedOnce(repo, runOnce(repo))
		Expect(reg.contentGets.Load()).To(BeZero())
		Expect(resourceVersions(ns)()).To(Equal(before))

		By("a new revision, a moved draft and a deleted one are followed, pulling only what moved")
		reg.push("packages", "basens", "v3", ociPackage("three", published, 3))
		reg.push("packages", "nested/app", "review", ociPackage("review again", proposed, 0))
		reg.remove("packages", "basens", "wip")
		reg.contentGets.Store(0)
		time.Sleep(time.Second) // runOnceAt counts in seconds: ask for a later one
		runOnce(repo)
		Eventually(revisionRows(ns, "images")).Should(Equal([]string{
			"images.basens.v1 basens v1 1 Published latest=false task=init",
			"images.basens.v2 basens v2 2 Published latest=false task=init",
			"images.basens.v3 basens v3 3 Published latest=true task=init",
			"images.nested.app.review nested/app review 0 Proposed latest=false task=init",
			"images.nested.app.v1 nested/app v1 1 Published latest=true task=init",
		}))
		// The sync writes revisions and resources concurrently.
		Eventually(func() string { return resourcesOf(ns, "images.nested.app.review")["cm.yaml"] }).Should(ContainSubstring("review again"))
		// Two images pulled: manifest, config and layer of each.
		Expect(reg.contentGets.Load()).To(BeNumerically("<=", 6), reg.contentLog())
	})

	It("mirrors a registry of 100 packages of 3 revisions each", func() {
		for i := range 100 {
			pkg := fmt.Sprintf("pkg%03d", i)
			reg.push("fleet", pkg, "v1", ociPackage(pkg+" one", published, 1))
			reg.push("fleet", pkg, "v2", ociPackage(pkg+" two", published, 2))
			reg.push("fleet", pkg, "wip", ociPackage(pkg+" wip", draft, 0))
		}
		repo := registerOCI(ns, "fleet", reg.host+"/fleet")
		Eventually(readyReason(repo), 2*time.Minute).Should(Equal(configv1alpha1.ReasonReady))
		rows := revisionRows(ns, "fleet")()
		Expect(rows).To(HaveLen(300))
		Expect(rows).To(ContainElements(
			"fleet.pkg042.v1 pkg042 v1 1 Published latest=false task=init",
			"fleet.pkg042.v2 pkg042 v2 2 Published latest=true task=init",
			"fleet.pkg042.wip pkg042 wip 0 Draft latest=false task=init",
		))
		Expect(resourcesOf(ns, "fleet.pkg099.wip")["cm.yaml"]).To(ContainSubstring("pkg099 wip"))
		Expect(packageRows(ns)()).To(HaveLen(100))
	})

	It("lists packages from the index image where the registry refuses the catalog", func() {
		reg.refuseCatalog.Store(true)
		reg.push("team/packages", "basens", "v1", ociPackage("one", published, 1))
		reg.push("team/packages", "web", "wip", ociPackage("wip", draft, 0))
		repo := registerOCI(ns, "indexed", reg.host+"/team/packages")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(revisionRows(ns, "indexed")()).To(Equal([]string{
			"indexed.basens.v1 basens v1 1 Published latest=true task=init",
			"indexed.web.wip web wip 0 Draft latest=false task=init",
		}))
	})

	It("keeps every mirrored object while the registry is down, and says so", func() {
		reg.push("packages", "basens", "v1", ociPackage("one", published, 1))
		repo := registerOCI(ns, "flaky", reg.host+"/packages")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		before := resourceVersions(ns)()
		Expect(before).To(HaveLen(3))

		reg.down.Store(true)
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonUnreachable))
		Expect(readyMessage(repo)).To(ContainSubstring("HTTP 503"))
		Consistently(resourceVersions(ns), 2*time.Second).Should(Equal(before))

		reg.down.Store(false)
		time.Sleep(time.Second)
		syncedOnce(repo, runOnce(repo))
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(resourceVersions(ns)()).To(Equal(before))
	})

	It("reaches a registry with the credentials of a dockerconfigjson Secret, which a git Repository refuses, saying why", func() {
		guarded := startGuardedRegistry("porch", "registry-pass-42")
		guarded.push("packages", "basens", "v1", ociPackage("one", published, 1))
		config := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, guarded.host, base64.StdEncoding.EncodeToString([]byte("porch:registry-pass-42")))
		Expect(k8s.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "pull", Namespace: ns}, Type: corev1.SecretTypeDockerConfigJson,
			Data: map[string][]byte{corev1.DockerConfigJsonKey: []byte(config)}})).To(Succeed())

		anonymous := registerOCI(ns, "anonymous", guarded.host+"/packages")
		Eventually(readyReason(anonymous)).Should(Equal(configv1alpha1.ReasonAuthenticationFailed))

		repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "pulling", Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI,
				Oci: &configv1alpha1.OciRepository{Registry: guarded.host + "/other", SecretRef: configv1alpha1.SecretRef{Name: "pull"}}}}
		Expect(k8s.Create(ctx, repo)).To(Succeed())
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		guarded.push("other", "basens", "v1", ociPackage("one", published, 1))
		time.Sleep(time.Second)
		runOnce(repo)
		Eventually(revisionRows(ns, "pulling")).Should(Equal([]string{"pulling.basens.v1 basens v1 1 Published latest=true task=init"}))

		gitRepo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "git-with-pull-secret", Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit,
				Git: &configv1alpha1.GitRepository{Repo: "http://" + guarded.host + "/repo.git", SecretRef: configv1alpha1.SecretRef{Name: "pull"}}}}
		Expect(k8s.Create(ctx, gitRepo)).To(Succeed())
		Eventually(readyReason(gitRepo)).Should(Equal(configv1alpha1.ReasonSecretNotFound))
		Expect(readyMessage(gitRepo)).To(SatisfyAll(ContainSubstring("authenticates to OCI registries"), Not(ContainSubstring("registry-pass-42"))))
	})
})
