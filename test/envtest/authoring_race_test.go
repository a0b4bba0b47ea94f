package envtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var _ = Describe("Authoring while the repository syncs", func() {
	It("keeps every revision made, published or deleted meanwhile as one object, and loses no commit of another writer", func() {
		const published, deleted = 6, 3
		ns := newNamespace()
		remote := authoringRepositories(ns, "u")
		repo := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "u"}, repo)).To(Succeed())

		By("syncing all along, while another writer commits onto main")
		stop := make(chan struct{})
		var background sync.WaitGroup
		background.Add(2)
		go func() {
			defer GinkgoRecover()
			defer background.Done()
			for {
				runOnce(repo)
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
				}
			}
		}()
		var noise []string
		go func() {
			defer GinkgoRecover()
			defer background.Done()
			dir := GinkgoT().TempDir()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(200 * time.Millisecond):
				}
				if commitOutside(dir, remote("u"), fmt.Sprintf("noise/%d.txt", i)) {
					noise = append(noise, fmt.Sprintf("noise/%d.txt", i))
				}
			}
		}()

		By("making, proposing and publishing packages, and making and deleting drafts, all at once")
		uids := map[string]types.UID{}
		var mu sync.Mutex
		var authors sync.WaitGroup
		for i := range published + deleted {
			authors.Add(1)
			go func() {
				defer GinkgoRecover()
				defer authors.Done()
				pr := newRevision(ns, "u", fmt.Sprintf("p%d", i), "v1")
				Expect(k8s.Create(ctx, pr)).To(Succeed())
				mu.Lock()
				uids[pr.Name] = pr.UID
				mu.Unlock()
				settled(ns, pr.Name)
				if i >= published {
					Expect(k8s.Delete(ctx, pr)).To(Succeed())
					Eventually(func() bool {
						return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(pr), &porchv1alpha1.PackageRevision{}))
					}).Should(BeTrue())
					return
				}
				moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecycleProposed)
				moveTo(k8s, ns, pr.Name, porchv1alpha1.PackageRevisionLifecyclePublished)
			}()
		}
		authors.Wait()
		close(stop)
		background.Wait()
		Expect(noise).NotTo(BeEmpty(), "the other writer never got a commit in")

		By("checking that each published revision is the object the user made, numbered 1, with one placeholder")
		runOnce(repo)
		for i := range published {
			name := fmt.Sprintf("u.p%d.v1", i)
			pr := settled(ns, name)
			Expect(pr.UID).To(Equal(uids[name]), "%s was replaced by another object", name)
			Expect(pr.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecyclePublished))
			Expect(pr.Spec.Revision).To(Equal(1))
		}
		Eventually(func(g Gomega) {
			list := &porchv1alpha1.PackageRevisionList{}
			g.Expect(k8s.List(ctx, list, client.InNamespace(ns))).To(Succeed())
			var names []string
			for _, pr := range list.Items {
				names = append(names, pr.Name)
			}
			var want []string
			for i := range published {
				want = append(want, fmt.Sprintf("u.p%d.main", i), fmt.Sprintf("u.p%d.v1", i))
			}
			g.Expect(names).To(ConsistOf(want))
		}).Should(Succeed())

		By("checking git: one tag per published package, no branch of a deleted draft, every outside commit kept")
		refs := gitOutput("ls-remote", remote("u"))
		for i := range published {
			Expect(refs).To(ContainSubstring(fmt.Sprintf("refs/tags/p%d/v1\n", i)))
		}
		for i := published; i < published+deleted; i++ {
			Expect(refs).NotTo(ContainSubstring(fmt.Sprintf("/p%d/", i)))
		}
		Expect(refs).NotTo(MatchRegexp(`refs/heads/(drafts|proposed)/`))
		clone := GinkgoT().TempDir()
		gitOutput("clone", "-q", remote("u"), clone)
		tree := gitOutput("-C", clone, "ls-tree", "-r", "--name-only", "main")
		for _, f := range noise {
			Expect(tree).To(ContainSubstring(f + "\n"))
		}
		for i := range published {
			Expect(tree).To(ContainSubstring(fmt.Sprintf("p%d/Kptfile\n", i)))
		}
	})

	It("publishes a draft approved right after its proposal, before the proposal is carried out", func() {
		ns := newNamespace()
		remote := authoringRepositories(ns, "u")
		pr := newRevision(ns, "u", "quick", "v1")
		Expect(k8s.Create(ctx, pr)).To(Succeed())
		settled(ns, pr.Name)
		// The webhook answers a transition it cannot take yet (the proposal
		// not carried out) with a conflict to retry. The client retries for
		// up to a few seconds, so that a loaded machine's slower controller
		// is not taken for a failure; the approval still comes as soon as
		// the webhook lets it.
		patient := wait.Backoff{Duration: 20 * time.Millisecond, Factor: 1.5, Steps: 15, Cap: time.Second}
		for _, to := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecyclePublished} {
			Expect(retry.RetryOnConflict(patient, func() error {
				got := &porchv1alpha1.PackageRevision{}
				if err := k8s.Get(ctx, client.ObjectKeyFromObject(pr), got); err != nil {
					return err
				}
				got.Spec.Lifecycle = to
				return k8s.Update(ctx, got)
			})).To(Succeed())
		}
		got := settled(ns, pr.Name)
		Expect(got.Spec.Lifecycle).To(Equal(porchv1alpha1.PackageRevisionLifecyclePublished))
		Expect(got.Spec.Revision).To(Equal(1))
		refs := gitOutput("ls-remote", remote("u"))
		Expect(refs).To(ContainSubstring("refs/tags/quick/v1\n"))
		Expect(refs).NotTo(MatchRegexp(`refs/heads/(drafts|proposed)/`))
	})
})

// commitOutside commits a file onto the remote's main branch as another
// writer would, and says whether the push was accepted: a push that lost a
// race with the product is simply not counted.
func commitOutside(dir, remote, file string) bool {
	GinkgoHelper()
	run := func(args ...string) error {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Other", "-c", "user.email=other@example.com"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		Expect(run("init", "-q", "-b", "main")).To(Succeed())
	}
	Expect(run("fetch", "-q", remote, "main")).To(Succeed())
	Expect(run("reset", "-q", "--hard", "FETCH_HEAD")).To(Succeed())
	Expect(os.MkdirAll(filepath.Join(dir, filepath.Dir(file)), 0o755)).To(Succeed())
	Expect(os.WriteFile(filepath.Join(dir, file), []byte(file+"\n"), 0o644)).To(Succeed())
	Expect(run("add", "-A")).To(Succeed())
	Expect(run("commit", "-q", "-m", "Add "+file)).To(Succeed())
	return run("push", "-q", remote, "HEAD:refs/heads/main") == nil
}

// gitOutput runs the git CLI and returns what it printed.
func gitOutput(args ...string) string {
	GinkgoHelper()
	out, err := exec.Command("git", args...).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "git %s: %s", strings.Join(args, " "), out)
	return string(out)
}
