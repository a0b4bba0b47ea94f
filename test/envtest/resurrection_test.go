package envtest

import (
	"github.com/go-git/go-git/v5/plumbing"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/git"
)

var _ = Describe("A revision deleted while the sync creates it", func() {
	g := perSpecGit()

	// The attack: the sync fetches a draft's branch and is about to
	// create its object when the revision is deleted, its branch first
	// and then its object, as the authoring controller carries out a
	// user's deletion. A create from the branch as fetched, made once the
	// object is gone, brings back a revision git no longer holds, which
	// any user change then strands (nothing can carry it out). The sync
	// creates only while it holds the branch as fetched, and a deletion
	// holds the mirror alone from its push until its object is gone
	// (git.Mirror.HoldRef): here the spec holds it as the deletion does.
	It("is not brought back by the sync from refs fetched before the deletion", func() {
		w := publishOne(authURL(g.srv, "resurrect"))
		repo := register(g.ns, "resurrect", g.srv.RepoURL("resurrect"), "")
		Eventually(readyReason(repo)).Should(Equal(configv1alpha1.ReasonReady))
		Expect(k8s.Get(ctx, client.ObjectKeyFromObject(repo), repo)).To(Succeed())
		mirror, err := mirrors.Open(git.MirrorDir(cacheDir, string(repo.UID)), git.Endpoint{URL: g.srv.RepoURL("resurrect"),
			Credentials: backend.Credentials{Username: gitUser, Password: gitPassword}})
		Expect(err).NotTo(HaveOccurred())

		By("a deletion in progress while the sync fetches a draft's branch")
		release := mirror.HoldForRemoval()
		defer func() {
			if release != nil {
				release()
			}
		}()
		w.git("checkout", "-q", "-b", "drafts/pkg/gone")
		w.write(map[string]string{"pkg/cm.yaml": configMap("pkg", "gone")})
		w.commit("Intermediate commit", annotation("pkg", "gone", "", nil))
		w.push("drafts/pkg/gone")
		at := runOnce(repo)
		Eventually(func() ([]string, error) {
			refs, err := mirror.Refs()
			var names []string
			for _, ref := range refs {
				names = append(names, ref.Name().String())
			}
			return names, err
		}).Should(ContainElement(plumbing.NewBranchReferenceName("drafts/pkg/gone").String()), "the sync fetched the branch")

		By("the deletion deletes the branch, and then the object, which the user made and the sync never listed")
		w.push(":refs/heads/drafts/pkg/gone")
		Expect(mirror.Fetch(ctx)).To(Succeed()) // as the deletion's own push leaves the mirror
		release()
		release = nil

		syncedOnce(repo, at)
		Expect(revisionRows(g.ns, "resurrect")()).NotTo(ContainElement(HavePrefix("resurrect.pkg.gone ")),
			"the sync brought back a revision deleted after its fetch")
		Expect(resourceList(g.ns, "resurrect")).NotTo(ContainElement("resurrect.pkg.gone"))
	})
})
