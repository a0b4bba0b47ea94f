package packagerevision

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestOwnByKeepsAVariantInControl(t *testing.T) {
	repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "deployments", UID: "repo-now"}}
	yes, no := true, false
	variant := metav1.OwnerReference{APIVersion: configv1alpha1.GroupVersion.String(), Kind: "PackageVariant", Name: "app", UID: "pv", Controller: &yes}
	earlier := metav1.OwnerReference{APIVersion: configv1alpha1.GroupVersion.String(), Kind: "Repository", Name: "deployments", UID: "repo-before", Controller: &yes}
	other := metav1.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "x", UID: "cm", Controller: &no}
	for _, tc := range []struct {
		what       string
		refs       []metav1.OwnerReference
		controller types.UID
		owners     int
	}{
		{"no owner", nil, "repo-now", 1},
		{"a variant in control", []metav1.OwnerReference{variant}, "pv", 2},
		{"an earlier Repository of the name", []metav1.OwnerReference{earlier, other}, "repo-now", 2},
		{"already owned", []metav1.OwnerReference{repo.ControllerReference()}, "repo-now", 1},
	} {
		pr := &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{OwnerReferences: tc.refs}}
		ownBy(pr, repo)
		if c := metav1.GetControllerOf(pr); c == nil || c.UID != tc.controller {
			t.Errorf("%s: controller %v, want %s", tc.what, c, tc.controller)
		}
		if len(pr.OwnerReferences) != tc.owners || pr.OwnerReferences[0].UID != repo.UID {
			t.Errorf("%s: owners %+v, want %d with the Repository first", tc.what, pr.OwnerReferences, tc.owners)
		}
	}
}
