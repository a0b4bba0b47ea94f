package envtest

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
)

// upstreamSet is a PackageVariantSet as upstream Porch's documentation
// writes one: at config.porch.kpt.dev/v1alpha2, the version upstream
// serves it at.
const upstreamSet = `
apiVersion: config.porch.kpt.dev/v1alpha2
kind: PackageVariantSet
metadata:
  name: edge-clusters
  namespace: %s
spec:
  upstream:
    repo: blueprints
    package: app
    workspaceName: v1
  targets:
  - repositories:
    - name: edge1
      packageNames:
      - edge01
      - edge02
    template:
      annotations:
        approval.nephio.org/policy: initial
      pipeline:
        mutators:
        - image: gcr.io/kpt-fn/set-labels:v0.2.0
          configMap:
            nephio.org/site-type: edge
            nephio.org/region: us-west1
`

var _ = Describe("PackageVariantSet versions", func() {
	It("serves upstream's v1alpha2 manifests, stored at v1alpha2 and read as v1alpha1 alike", func() {
		ns := newNamespace()
		authoringRepositories(ns, "blueprints", "edge1")
		publishNew(ns, "blueprints", "app", "v1")

		manifest := &unstructured.Unstructured{}
		Expect(yaml.Unmarshal(fmt.Appendf(nil, upstreamSet, ns), &manifest.Object)).To(Succeed())
		Expect(k8s.Create(ctx, manifest)).To(Succeed())

		By("the controller, which reads v1alpha1, making its PackageVariants")
		pvs := &configv1alpha1.PackageVariantSet{}
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "edge-clusters"}, pvs)).To(Succeed())
		Expect(pvs.Spec.Upstream).To(Equal(&configv1alpha1.Upstream{Repo: "blueprints", Package: "app", WorkspaceName: "v1"}))
		Expect(pvs.Spec.Targets[0].Template.Annotations).To(HaveKeyWithValue("approval.nephio.org/policy", "initial"))
		Expect(pvs.Spec.Targets[0].Template.Pipeline.Mutators[0].ConfigMap).To(HaveKeyWithValue("nephio.org/region", "us-west1"))
		Eventually(variantsOfSet(pvs)).Should(ConsistOf("edge-clusters-edge1-edge01", "edge-clusters-edge1-edge02"))
		Eventually(setReady(pvs)).Should(BeTrue())

		By("reading it back at v1alpha2 with the status the controller wrote")
		back := &unstructured.Unstructured{}
		back.SetAPIVersion("config.porch.kpt.dev/v1alpha2")
		back.SetKind("PackageVariantSet")
		Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "edge-clusters"}, back)).To(Succeed())
		conditions, _, err := unstructured.NestedSlice(back.Object, "status", "conditions")
		Expect(err).NotTo(HaveOccurred())
		Expect(conditions).To(ContainElement(HaveKeyWithValue("type", "Ready")))
		workspace, _, _ := unstructured.NestedString(back.Object, "spec", "upstream", "workspaceName")
		Expect(workspace).To(Equal("v1"))

		By("refusing at v1alpha2 what v1alpha1 refuses: the schema is one")
		bad := manifest.DeepCopy()
		bad.SetName("no-targets")
		bad.SetResourceVersion("")
		targets, _, _ := unstructured.NestedSlice(bad.Object, "spec", "targets")
		targets[0].(map[string]any)["repositorySelector"] = map[string]any{"matchLabels": map[string]any{"site": "edge"}}
		Expect(unstructured.SetNestedSlice(bad.Object, targets, "spec", "targets")).To(Succeed())
		Expect(k8s.Create(ctx, bad)).To(MatchError(ContainSubstring("exactly one of repositories, repositorySelector and objectSelector must be set")))

		By("admission holding v1alpha2 to v1alpha1's rules: an objectSelector of a kind the cluster does not have")
		unknown := manifest.DeepCopy()
		unknown.SetName("unknown-kind")
		unknown.SetResourceVersion("")
		Expect(unstructured.SetNestedSlice(unknown.Object, []any{map[string]any{
			"objectSelector": map[string]any{"apiVersion": "example.com/v1", "kind": "NoSuchKind"},
		}}, "spec", "targets")).To(Succeed())
		Expect(k8s.Create(ctx, unknown)).To(MatchError(ContainSubstring("spec.targets[0].objectSelector.kind")))
	})
})
