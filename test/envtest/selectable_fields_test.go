package envtest

import (
	"sort"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

var _ = Describe("Field selectors", func() {
	It("filter revisions and their resources by repository, package, workspace, lifecycle and revision, as upstream's clients ask", func() {
		ns, srv := gitNamespace()
		buildFixture(authURL(srv, "fixture"))
		all := register(ns, "all", srv.RepoURL("fixture"), "")
		Eventually(readyReason(all)).Should(Equal(configv1alpha1.ReasonReady))

		selected := func(list client.ObjectList, fields client.MatchingFields) []string {
			GinkgoHelper()
			Expect(k8s.List(ctx, list, client.InNamespace(ns), fields)).To(Succeed())
			items, err := meta.ExtractList(list)
			Expect(err).NotTo(HaveOccurred())
			names := []string{}
			for _, item := range items {
				names = append(names, item.(client.Object).GetName())
			}
			sort.Strings(names)
			return names
		}
		revisions := &porchv1alpha1.PackageRevisionList{}
		resources := &porchv1alpha1.PackageRevisionResourcesList{}
		Expect(selected(revisions, client.MatchingFields{"spec.packageName": "basens", "spec.lifecycle": "Published"})).To(Equal([]string{
			"all.basens.first", "all.basens.main", "all.basens.second", "all.basens.third", "all.basens.v2.0.0"}))
		Expect(selected(revisions, client.MatchingFields{"spec.repository": "all", "spec.revision": "3"})).To(Equal([]string{"all.basens.third"}))
		Expect(selected(revisions, client.MatchingFields{"spec.workspaceName": "review", "spec.lifecycle": "Proposed"})).To(Equal([]string{"all.blueprints.nested.app.review"}))
		Expect(selected(revisions, client.MatchingFields{"spec.repository": "elsewhere"})).To(BeEmpty())
		Expect(selected(resources, client.MatchingFields{"spec.packageName": "blueprints/nested/app", "spec.workspaceName": "v1"})).To(Equal([]string{"all.blueprints.nested.app.v1"}))
		Expect(selected(resources, client.MatchingFields{"spec.repository": "all", "spec.revision": "2"})).To(Equal([]string{"all.basens.second"}))

		By("a field that is not selectable is refused, named")
		err := k8s.List(ctx, revisions, client.InNamespace(ns), client.MatchingFields{"spec.tasks": "init"})
		Expect(err).To(MatchError(ContainSubstring("spec.tasks")))
	})
})
