package envtest

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// crd reads a CustomResourceDefinition from the apiserver.
func crd(name string) *apiextensionsv1.CustomResourceDefinition {
	GinkgoHelper()
	s := runtime.NewScheme()
	Expect(apiextensionsv1.AddToScheme(s)).To(Succeed())
	c, err := client.New(plane.Config, client.Options{Scheme: s})
	Expect(err).NotTo(HaveOccurred())
	out := &apiextensionsv1.CustomResourceDefinition{}
	Expect(c.Get(ctx, client.ObjectKey{Name: name}, out)).To(Succeed())
	return out
}

// columnNames are the names of the printer columns of a CRD's only version.
func columnNames(c *apiextensionsv1.CustomResourceDefinition) []string {
	GinkgoHelper()
	Expect(c.Spec.Versions).To(HaveLen(1))
	var names []string
	for _, col := range c.Spec.Versions[0].AdditionalPrinterColumns {
		names = append(names, col.Name)
	}
	return names
}

// serverTable lists resource in ns as the apiserver's Table, as kubectl get does.
func serverTable(gv schema.GroupVersion, ns, resource string) *metav1.Table {
	GinkgoHelper()
	cfg := rest.CopyConfig(plane.Config)
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	cfg.NegotiatedSerializer = clientgoscheme.Codecs.WithoutConversion()
	rc, err := rest.RESTClientFor(cfg)
	Expect(err).NotTo(HaveOccurred())
	raw, err := rc.Get().Namespace(ns).Resource(resource).
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").DoRaw(ctx)
	Expect(err).NotTo(HaveOccurred())
	table := &metav1.Table{}
	Expect(json.Unmarshal(raw, table)).To(Succeed())
	Expect(table.Kind).To(Equal("Table"))
	return table
}

// cells maps the column names of the table's row for object name to their cells.
func cells(table *metav1.Table, name string) map[string]any {
	GinkgoHelper()
	for _, row := range table.Rows {
		meta := &metav1.PartialObjectMetadata{}
		Expect(json.Unmarshal(row.Object.Raw, meta)).To(Succeed())
		if meta.Name != name {
			continue
		}
		Expect(row.Cells).To(HaveLen(len(table.ColumnDefinitions)))
		out := map[string]any{}
		for i, col := range table.ColumnDefinitions {
			out[col.Name] = row.Cells[i]
		}
		return out
	}
	Fail("no row for " + name)
	return nil
}

var _ = Describe("CRD printing", func() {
	It("has the PackageRevision columns and short name", func() {
		c := crd("packagerevisions.porch.kpt.dev")
		Expect(columnNames(c)).To(Equal([]string{"Package", "WorkspaceName", "Revision", "Latest", "Lifecycle", "Repository",
			"Ready", "Rendered", "Upstream", "Published-By", "Age"}))
		Expect(c.Spec.Names.ShortNames).To(ConsistOf("rpkg"))
		// kubectl get shows Ready; -o wide adds the rest.
		wide := map[string]int32{}
		for _, col := range c.Spec.Versions[0].AdditionalPrinterColumns {
			wide[col.Name] = col.Priority
		}
		Expect(wide).To(HaveKeyWithValue("Ready", BeZero()))
		for _, name := range []string{"Rendered", "Upstream", "Published-By"} {
			Expect(wide).To(HaveKeyWithValue(name, BeEquivalentTo(1)))
		}
	})

	It("has the PackageRevisionResources short name", func() {
		Expect(crd("packagerevisionresources.porch.kpt.dev").Spec.Names.ShortNames).To(ConsistOf("prr"))
	})

	It("has the Repository columns and short name", func() {
		c := crd("repositories.config.porch.kpt.dev")
		Expect(columnNames(c)).To(Equal([]string{"Type", "Content", "Deployment", "Ready", "Address", "Branch", "Age"}))
		Expect(c.Spec.Names.ShortNames).To(ConsistOf("repo"))
	})

	DescribeTable("namespaced, with a status subresource",
		func(name string, versions ...string) {
			c := crd(name)
			Expect(c.Spec.Scope).To(Equal(apiextensionsv1.NamespaceScoped))
			var served []string
			for _, v := range c.Spec.Versions {
				served = append(served, v.Name)
				Expect(v.Served).To(BeTrue())
				Expect(v.Subresources).NotTo(BeNil())
				Expect(v.Subresources.Status).NotTo(BeNil())
			}
			Expect(served).To(Equal(versions))
		},
		Entry(nil, "packagerevisions.porch.kpt.dev", "v1alpha1"),
		Entry(nil, "packagerevisionresources.porch.kpt.dev", "v1alpha1"),
		Entry(nil, "packages.porch.kpt.dev", "v1alpha1"),
		Entry(nil, "repositories.config.porch.kpt.dev", "v1alpha1"),
		Entry(nil, "packagevariants.config.porch.kpt.dev", "v1alpha1"),
		// Upstream's version beside ours: see api/config/v1alpha2.
		Entry(nil, "packagevariantsets.config.porch.kpt.dev", "v1alpha1", "v1alpha2"),
	)

	It("prints the Latest label of a PackageRevision", func() {
		ns := newNamespace()
		obj := build(ns, packageRevision, `
metadata: {labels: {kpt.dev/latest-revision: "true"}}
spec: {lifecycle: Published, revision: 1}
`)
		// Published objects with a revision number are the system's to write.
		Expect(sys.Create(ctx, obj)).To(Succeed())

		row := cells(serverTable(schema.GroupVersion{Group: "porch.kpt.dev", Version: "v1alpha1"}, ns, "packagerevisions"), obj.GetName())
		Expect(row).To(HaveKeyWithValue("Name", "blueprints.app.v1"))
		Expect(row).To(HaveKeyWithValue("Package", "app"))
		Expect(row).To(HaveKeyWithValue("WorkspaceName", "v1"))
		Expect(row).To(HaveKeyWithValue("Revision", BeEquivalentTo(1)))
		Expect(row).To(HaveKeyWithValue("Latest", "true"))
		Expect(row).To(HaveKeyWithValue("Lifecycle", "Published"))
		Expect(row).To(HaveKeyWithValue("Repository", "blueprints"))
		Expect(row).To(HaveKey("Age"))
		Expect(row).To(HaveKey("Ready"))
		Expect(row).To(HaveKey("Published-By"))
	})

	It("prints the Address of git and OCI Repositories", func() {
		ns := newNamespace()
		git := build(ns, gitRepository, `{metadata: {name: git-repo}, spec: {deployment: true}}`)
		oci := build(ns, ociRepository, `{metadata: {name: oci-repo}}`)
		Expect(k8s.Create(ctx, git)).To(Succeed())
		Expect(k8s.Create(ctx, oci)).To(Succeed())

		table := serverTable(schema.GroupVersion{Group: "config.porch.kpt.dev", Version: "v1alpha1"}, ns, "repositories")
		row := cells(table, "git-repo")
		Expect(row).To(HaveKeyWithValue("Type", "git"))
		Expect(row).To(HaveKeyWithValue("Deployment", true))
		Expect(row).To(HaveKeyWithValue("Address", "http://127.0.0.1:1/x.git"))
		Expect(row).To(HaveKeyWithValue("Branch", "main"))
		Expect(row).To(HaveKey("Ready"))

		row = cells(table, "oci-repo")
		Expect(row).To(HaveKeyWithValue("Type", "oci"))
		Expect(row).To(HaveKeyWithValue("Address", "127.0.0.1:1/packages"))
	})
})
