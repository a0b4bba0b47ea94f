package envtest

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// A PackageRevision written by tests: <repo>.<package>.<workspace>, a Draft
// made by init unless the options say otherwise.
func newRevision(ns, repo, pkg, workspace string, opts ...func(*porchv1alpha1.PackageRevision)) *porchv1alpha1.PackageRevision {
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: repo + "." + strings.ReplaceAll(pkg, "/", ".") + "." + workspace},
		Spec: porchv1alpha1.PackageRevisionSpec{PackageName: pkg, RepositoryName: repo, WorkspaceName: workspace,
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
			Tasks:     []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}}},
	}
	for _, o := range opts {
		o(pr)
	}
	return pr
}

// publishedAs makes a revision Published with a revision number, as only the system may write it.
func publishedAs(n int) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.Lifecycle, pr.Spec.Revision = porchv1alpha1.PackageRevisionLifecyclePublished, n
	}
}

func clonedFrom(name string) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.Tasks = []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
			Upstream: porchv1alpha1.UpstreamPackage{UpstreamRef: &porchv1alpha1.PackageRevisionRef{Name: name}}}}}
	}
}

// created creates obj with c and returns it as stored.
func created[T client.Object](c client.Client, obj T) T {
	GinkgoHelper()
	Expect(c.Create(ctx, obj)).To(Succeed())
	return obj
}

// changed applies change to a copy of obj as a merge patch by c, and returns the error.
func changed[T client.Object](c client.Client, obj T, change func(T)) error {
	copied := obj.DeepCopyObject().(T)
	change(copied)
	return c.Patch(ctx, copied, client.MergeFrom(obj))
}

// unchanged checks that a refused request left obj as it was: the same
// generation (any spec change moves it) and the same labels and
// annotations. The system may write the status and its own metadata
// meanwhile (the repository and latest labels, owner, finalizer), which is not the
// user's doing.
func unchanged(obj client.Object) {
	GinkgoHelper()
	now := obj.DeepCopyObject().(client.Object)
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), now)).To(Succeed())
	Expect(now.GetGeneration()).To(Equal(obj.GetGeneration()), "the refused request changed the spec of %s", obj.GetName())
	userLabels := func(o client.Object) map[string]string {
		out := map[string]string{}
		for k, v := range o.GetLabels() {
			if k != porchv1alpha1.RepositoryLabel && k != porchv1alpha1.LatestPackageRevisionKey {
				out[k] = v
			}
		}
		return out
	}
	Expect(userLabels(now)).To(Equal(userLabels(obj)), "the refused request changed the labels of %s", obj.GetName())
	Expect(now.GetAnnotations()).To(Equal(obj.GetAnnotations()), "the refused request changed the annotations of %s", obj.GetName())
}

// refused checks err: the status code of is, and a message holding every part.
func refused(err error, is func(error) bool, parts ...string) {
	GinkgoHelper()
	Expect(err).To(HaveOccurred())
	GinkgoWriter.Printf("refused: %v\n", err)
	Expect(is(err)).To(BeTrue(), "unexpected status: %v", err)
	for _, p := range parts {
		Expect(err.Error()).To(ContainSubstring(p))
	}
}

// rendered waits until the authoring controller rendered and committed
// the revision, and returns it as stored.
func rendered(pr *porchv1alpha1.PackageRevision) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	return settled(pr.Namespace, pr.Name)
}

// resourcesFor is the PackageRevisionResources of pr, once the authoring
// controller made it.
func resourcesFor(pr *porchv1alpha1.PackageRevision) *porchv1alpha1.PackageRevisionResources {
	GinkgoHelper()
	prr := &porchv1alpha1.PackageRevisionResources{}
	Eventually(func() error { return k8s.Get(ctx, client.ObjectKeyFromObject(pr), prr) }).Should(Succeed())
	return prr
}

// impersonating is a client acting as user, through the administrator's impersonation.
func impersonating(user string) client.Client {
	GinkgoHelper()
	cfg := rest.CopyConfig(plane.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: user}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// grant gives user a Role in ns with the rule.
func grant(ns, user, role string, rule rbacv1.PolicyRule) {
	GinkgoHelper()
	Expect(k8s.Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: role}, Rules: []rbacv1.PolicyRule{rule}})).To(Succeed())
	Expect(k8s.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: role + "-" + user},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: role},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
	})).To(Succeed())
}

// editResources replaces the resources of the revision key with files, as
// a user's push does, and waits until the edit was acted upon.
func editResources(key client.ObjectKey, files map[string]string) *porchv1alpha1.PackageRevisionResources {
	GinkgoHelper()
	prr := &porchv1alpha1.PackageRevisionResources{}
	Eventually(func() error {
		if err := k8s.Get(ctx, key, prr); err != nil {
			return err
		}
		prr.Spec.Resources = files
		return k8s.Update(ctx, prr)
	}).Should(Succeed())
	Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, key, prr)).To(Succeed())
		g.Expect(prr.Status.ObservedGeneration).To(Equal(prr.Generation))
	}).Should(Succeed())
	return prr
}
