package envtest

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/gitserver"
)

// cloneFetchLimit is the suite manager's --max-clone-fetch-bytes.
const cloneFetchLimit = 8 << 20

// cloneFromURL sets a clone task of the package in directory at main of the
// repository at url.
func cloneFromURL(url, directory, secret string) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
			Upstream: porchv1alpha1.UpstreamPackage{Type: porchv1alpha1.RepositoryTypeGit, Git: &porchv1alpha1.GitPackage{
				Repo: url, Ref: "main", Directory: directory, SecretRef: porchv1alpha1.SecretRef{Name: secret}}}}}}
	}
}

// countingFetches counts the fetches (upload-pack requests) a git server answers.
type countingFetches struct {
	next    http.Handler
	fetches atomic.Int32
}

func (h *countingFetches) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
		h.fetches.Add(1)
	}
	h.next.ServeHTTP(w, r)
}

// heapPeak samples the heap of the process, which runs the manager, until
// stopped, and returns the largest HeapAlloc seen. Meanwhile the garbage
// collector runs at every 10% of growth instead of 100%, so that the peak
// is live memory rather than garbage not yet collected.
func heapPeak() (stop func() uint64) {
	gcPercent := debug.SetGCPercent(10)
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		debug.SetGCPercent(gcPercent)
		return peak.Load()
	}
}

// heapAfterGC is the heap in use once garbage is collected.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

var _ = Describe("A clone from a git URL over the fetch limit", func() {
	It("fails for good with SourceTooLarge, commits nothing, keeps the manager's heap flat, and another namespace's clone succeeds", func() {
		By("a repository whose package holds a file of random bytes four times the fetch limit")
		hostileServer, err := gitserver.New(gitserver.Options{Root: GinkgoT().TempDir(), AutoCreate: true})
		Expect(err).NotTo(HaveOccurred())
		counted := &countingFetches{next: hostileServer.Handler()}
		hostile := httptest.NewServer(counted)
		DeferCleanup(hostile.Close)
		large := make([]byte, 4*cloneFetchLimit)
		_, err = rand.Read(large)
		Expect(err).NotTo(HaveOccurred())
		w := newGitWork(hostile.URL + "/hostile.git")
		w.write(map[string]string{"pkgs/big/Kptfile": minimalKptfile("big"), "pkgs/big/blob.bin": string(large)})
		w.commit("A package with a large file", nil)
		w.push("main")
		large = nil

		attacker := newNamespace()
		attackerRemote := authoringRepositories(attacker, "target")
		other := newNamespace()
		otherRemote := authoringRepositories(other, "target")
		normal := newGitWork(otherRemote("normal"))
		normal.write(map[string]string{"pkgs/web/Kptfile": minimalKptfile("web"), "pkgs/web/cm.yaml": configMap("web", "v1")})
		normal.commit("A package", nil)
		normal.push("main")
		normalURL := strings.Replace(otherRemote("normal"), fmt.Sprintf("%s:%s@", gitUser, gitPassword), "", 1)

		By("cloning it, while another namespace clones a package of normal size")
		baseline := heapAfterGC()
		peak := heapPeak()
		Expect(k8s.Create(ctx, newRevision(attacker, "target", "big", "v1", cloneFromURL(hostile.URL+"/hostile.git", "pkgs/big", "")))).To(Succeed())
		Expect(k8s.Create(ctx, newRevision(other, "target", "web", "v1", cloneFromURL(normalURL, "pkgs/web", "auth")))).To(Succeed())
		pr := &porchv1alpha1.PackageRevision{}
		key := client.ObjectKey{Namespace: attacker, Name: "target.big.v1"}
		var ready *metav1.Condition
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, key, pr)).To(Succeed())
			ready = meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
			g.Expect(ready).NotTo(BeNil())
			g.Expect(ready.Reason).NotTo(Equal(porchv1alpha1.ReasonPending))
		}).Should(Succeed())

		By("the manager's heap stayed within the limit, and kept nothing")
		grown := int64(peak()) - int64(baseline)
		retained := int64(heapAfterGC()) - int64(baseline)
		GinkgoWriter.Printf("heap: peak %d KiB over the baseline of %d MiB, %d KiB retained\n", grown>>10, baseline>>20, retained>>10)
		Expect(grown).To(BeNumerically("<", cloneFetchLimit+8<<20), "the heap peaked %d MiB over the baseline", grown>>20)
		Expect(retained).To(BeNumerically("<", 4<<20), "the heap kept %d MiB", retained>>20)

		By("the clone failed for good, saying why")
		Expect(ready.Status).To(Equal(metav1.ConditionFalse))
		Expect(ready.Reason).To(Equal(porchv1alpha1.ReasonSourceTooLarge), ready.Message)
		Expect(ready.Message).To(And(ContainSubstring("spec.tasks[0].clone.upstreamRef.git"),
			ContainSubstring(fmt.Sprint(cloneFetchLimit)), ContainSubstring("--max-clone-fetch-bytes")))

		By("the other namespace's clone succeeded")
		settled(other, "target.web.v1")

		By("nothing was committed, and the clone is not tried again")
		branches, err := exec.Command("git", "ls-remote", "--heads", attackerRemote("target")).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", branches)
		Expect(string(branches)).To(ContainSubstring("refs/heads/main"))
		Expect(string(branches)).NotTo(ContainSubstring("drafts/"))
		// A reconcile that read the revision from the cache before the
		// failure was recorded there may run once more, late on a busy
		// machine: it fetches and records the same failure. Wait until
		// the revision is quiet, for longer than that fetch and its write
		// take on a loaded machine (a fetch counts when it starts); by
		// then at most that one more fetch has happened, and none follows.
		failedAt := counted.fetches.Load()
		fetches, version, changed := int32(-1), "", time.Now()
		Eventually(func(g Gomega) {
			g.Expect(k8s.Get(ctx, key, pr)).To(Succeed())
			if pr.ResourceVersion != version || counted.fetches.Load() != fetches {
				fetches, version, changed = counted.fetches.Load(), pr.ResourceVersion, time.Now()
			}
			g.Expect(time.Since(changed)).To(BeNumerically(">=", 3*time.Second))
		}).WithPolling(500 * time.Millisecond).WithTimeout(30 * time.Second).Should(Succeed())
		Expect(fetches-failedAt).To(BeNumerically("<=", 1), "fetched %d times after the failure was recorded", fetches-failedAt)
		Consistently(func(g Gomega) {
			g.Expect(k8s.Get(ctx, key, pr)).To(Succeed())
			if pr.ResourceVersion != version {
				// Who wrote, and what: the write that breaks the quiet.
				for _, f := range pr.ManagedFields {
					GinkgoWriter.Printf("managed by %s (%s %s) at %v: %s\n", f.Manager, f.Operation, f.Subresource, f.Time, f.FieldsV1)
				}
				GinkgoWriter.Printf("status after the write: %+v\n", pr.Status)
			}
			g.Expect(pr.ResourceVersion).To(Equal(version))
			g.Expect(counted.fetches.Load()).To(Equal(fetches))
		}, 3*time.Second).Should(Succeed())
		GinkgoWriter.Printf("the hostile repository was fetched %d times\n", fetches)
	})
})
