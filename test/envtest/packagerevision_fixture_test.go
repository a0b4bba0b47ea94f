package envtest

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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

// unchanged checks that obj is stored as it was: any write would have
// moved its resourceVersion.
func unchanged(obj client.Object) {
	GinkgoHelper()
	now := obj.DeepCopyObject().(client.Object)
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), now)).To(Succeed())
	Expect(now.GetResourceVersion()).To(Equal(obj.GetResourceVersion()), "the refused request changed %s", obj.GetName())
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

// rendered records, through the status subresources, what the authoring
// controller records once a revision's content is rendered and committed
// (internal/webhook/render.go), creating its PackageRevisionResources as
// the system. The webhooks see no status writes: they are registered for
// the main resources only, and RBAC keeps users' hands off /status.
func rendered(pr *porchv1alpha1.PackageRevision) *porchv1alpha1.PackageRevision {
	GinkgoHelper()
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(pr), pr)).To(Succeed())
	before := pr.DeepCopy()
	pr.Status.ObservedGeneration = pr.Generation
	pr.Status.Conditions = []metav1.Condition{{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionTrue,
		Reason: porchv1alpha1.ReasonReady, Message: "Rendered", LastTransitionTime: metav1.Now()}}
	Expect(k8s.Status().Patch(ctx, pr, client.MergeFrom(before))).To(Succeed())

	prr := resourcesFor(pr)
	before2 := prr.DeepCopy()
	prr.Status.ObservedGeneration = prr.Generation
	Expect(k8s.Status().Patch(ctx, prr, client.MergeFrom(before2))).To(Succeed())
	return pr
}

// resourcesFor is the PackageRevisionResources of pr, created by the system if missing.
func resourcesFor(pr *porchv1alpha1.PackageRevision) *porchv1alpha1.PackageRevisionResources {
	GinkgoHelper()
	prr := &porchv1alpha1.PackageRevisionResources{ObjectMeta: metav1.ObjectMeta{Namespace: pr.Namespace, Name: pr.Name},
		Spec: porchv1alpha1.PackageRevisionResourcesSpec{PackageName: pr.Spec.PackageName, RepositoryName: pr.Spec.RepositoryName,
			WorkspaceName: pr.Spec.WorkspaceName, Resources: map[string]string{"Kptfile": "kind: Kptfile"}}}
	if err := sys.Create(ctx, prr); !apierrors.IsAlreadyExists(err) {
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(k8s.Get(ctx, client.ObjectKeyFromObject(prr), prr)).To(Succeed())
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
