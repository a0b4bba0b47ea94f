package packagevariant

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestLockedUpstreamOfAnImage(t *testing.T) {
	revision := func(ws string, n int, lifecycle porchv1alpha1.PackageRevisionLifecycle) *porchv1alpha1.PackageRevision {
		return &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: "images.net.base." + ws},
			Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: "images", PackageName: "net/base", WorkspaceName: ws, Revision: n, Lifecycle: lifecycle}}
	}
	s := &scope{
		pv: &configv1alpha1.PackageVariant{Spec: configv1alpha1.PackageVariantSpec{Upstream: &configv1alpha1.Upstream{Repo: "images", Package: "net/base"}}},
		upstreamRevisions: []*porchv1alpha1.PackageRevision{
			revision("first", 1, porchv1alpha1.PackageRevisionLifecyclePublished),
			revision("second", 2, porchv1alpha1.PackageRevisionLifecyclePublished),
			revision("wip", 0, porchv1alpha1.PackageRevisionLifecycleDraft),
		},
	}
	const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct{ image, want string }{
		{"registry.example.com/packages/net/base:second" + digest, "images.net.base.second"},
		{"registry.example.com/packages/net/base:first" + digest, "images.net.base.first"},
		{"registry.example.com/packages/net/base:wip" + digest, ""},
		{"registry.example.com/packages/net/base" + digest, ""},
		{"registry.example.com/packages/other/base:first" + digest, ""},
	} {
		pr := &porchv1alpha1.PackageRevision{Status: porchv1alpha1.PackageRevisionStatus{
			UpstreamLock: &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeOCI, Oci: &porchv1alpha1.OciLock{Image: tc.image}}}}
		if got := lockedUpstream(s, pr); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.image, got, tc.want)
		}
	}
}
