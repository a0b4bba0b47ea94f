package envtest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

var _ = Describe("Deletion guards", func() {
	g := perSpecGit()

	readyMessage := func(repo *configv1alpha1.Repository) string {
		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		return meta.FindStatusCondition(got.Status.Conditions, configv1alpha1.ConditionReady).Message
	}
	confirmHeld := func(repo *configv1alpha1.Repository) {
		GinkgoHelper()
		hash := regexp.MustCompile(configv1alpha1.AllowMassDeletionAnnotation + `=([0-9a-f]+)`).FindStringSubmatch(readyMessage(repo))
		Expect(hash).To(HaveLen(2), "the message names no hash to confirm: %s", readyMessage(repo))
		got := &configv1alpha1.Repository{}
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), got)).To(Succeed())
		before := got.DeepCopy()
		got.SetAnnotations(map[string]string{configv1alpha1.AllowMassDeletionAnnotation: hash[1]})
		Expect(k8s.Patch(ctx, got, client.MergeFrom(before))).To(Succeed())
	}

	// revisionVersions are the resourceVersions of a namespace's revisions
	// and their resources: what users read of them. (A package's summary
	// follows the tags it sees.)
	revisionVersions := func(ns string) func() map[string]string {
		return func() map[string]string {
			out := resourceVersions(ns)()
			for key := range out {
				if strings.HasPrefix(key, "*v1alpha1.PorchPackage/") {
					delete(out, key)
				}
			}
			return out
		}
	}

	// The attack: a Published revision's tag deleted on the remote, by
	// hand or a force-push. Its object and content stay, the Repository
	// says so, until the tag is back, or the Repository confirms.
	It("keeps a Published revision whose tag vanished, until the tag is back", func() {
		w := publishOne(authURL(g.srv, "tagged"))
		repo := register(g.ns, "tagged", g.srv.RepoURL("tagged"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		rows := revisionRows(g.ns, "tagged")()
		Expect(rows).To(HaveLen(2))
		before := revisionVersions(g.ns)()

		w.push(":refs/tags/pkg/v1")
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonMassDeletionHeld))
		Expect(readyMessage(repo)).To(And(ContainSubstring("no longer holds 1 of the 2 package revisions"),
			ContainSubstring("1 of them Published, whose tags are gone (tagged.pkg.one)"), ContainSubstring("nothing was deleted"),
			ContainSubstring("kubectl annotate repository tagged -n "+g.ns+" "+configv1alpha1.AllowMassDeletionAnnotation+"=")))
		Consistently(revisionVersions(g.ns), 2*time.Second).Should(Equal(before))

		w.push("refs/tags/pkg/v1")
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(revisionRows(g.ns, "tagged")()).To(Equal(rows))
		Expect(revisionVersions(g.ns)()).To(Equal(before), "a revision held, then found again, was rewritten")
	})

	It("holds a deletion of more revisions than the threshold until the Repository confirms that one", func() {
		w := publishOne(authURL(g.srv, "drafts"))
		var gone []string
		for i := range 7 {
			branch := fmt.Sprintf("drafts/pkg/wip%d", i)
			w.git("checkout", "-q", "-b", branch, "main")
			w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", branch)})
			w.commit("Intermediate commit", annotation("pkg", fmt.Sprintf("wip%d", i), "", nil))
			w.push(branch)
			gone = append(gone, ":refs/heads/"+branch)
		}
		w.git("checkout", "-q", "main")
		repo := register(g.ns, "drafts", g.srv.RepoURL("drafts"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(revisionRows(g.ns, "drafts")()).To(HaveLen(9))

		By("deleting 7 draft branches of 9 revisions, over the 5 a sync deletes unconfirmed")
		w.push(gone...)
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonMassDeletionHeld))
		Expect(readyMessage(repo)).To(ContainSubstring("no longer holds 7 of the 9 package revisions mirrored from it, more than the 5 a sync deletes unconfirmed"))
		Consistently(revisionRows(g.ns, "drafts"), 2*time.Second).Should(HaveLen(9))

		By("confirming: the deletion goes, and the Repository is Ready")
		confirmHeld(repo)
		Eventually(revisionRows(g.ns, "drafts")).Should(Equal([]string{
			"drafts.pkg.main pkg main -1 Published latest=false task=",
			"drafts.pkg.one pkg one 1 Published latest=true task=",
		}))
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
	})

	// The attack: a remote emptied (re-created, or every ref deleted) under
	// a Repository with createBranch. The branch is not created again,
	// which would have the next sync delete everything, and nothing goes;
	// with the branch pushed back but not the tags, the Published
	// revisions are still held.
	It("does not create again a branch it saw, and deletes nothing of an emptied remote", func() {
		root := GinkgoT().TempDir()
		srv := startGit(root, "")
		w := publishOne(authURL(srv, "emptied"))
		repo := &configv1alpha1.Repository{}
		repo.Name, repo.Namespace = "emptied", g.ns
		repo.Spec = configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{
			Repo: srv.RepoURL("emptied"), CreateBranch: true, SecretRef: configv1alpha1.SecretRef{Name: "auth"}}}
		Expect(k8s.Create(ctx, repo)).To(Succeed())
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		before := revisionVersions(g.ns)()

		// Re-created: the server makes an empty repository on next use.
		Expect(os.RemoveAll(filepath.Join(root, "emptied.git"))).To(Succeed())
		Expect(w.git("ls-remote", w.remote)).To(BeEmpty())
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonBranchNotFound))
		Expect(readyMessage(repo)).To(And(ContainSubstring(`the branch "main"`), ContainSubstring("was there and is gone"),
			ContainSubstring("does not create it again")))
		Consistently(func() string { return w.git("ls-remote", w.remote) }, 2*time.Second).Should(BeEmpty(), "the branch was created again")
		Expect(revisionVersions(g.ns)()).To(Equal(before))

		w.push("main")
		runOnce(repo)
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonMassDeletionHeld))
		Expect(readyMessage(repo)).To(ContainSubstring("emptied.pkg.one"))
		Expect(revisionRows(g.ns, "emptied")()).To(HaveLen(2))
	})
})
