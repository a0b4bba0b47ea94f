package repository

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestPlanTaken(t *testing.T) {
	const repoUID, earlierUID = types.UID("repo-uid"), types.UID("earlier-uid")
	ownedBy := func(uids ...types.UID) []metav1.OwnerReference {
		var refs []metav1.OwnerReference
		for _, uid := range uids {
			refs = append(refs, metav1.OwnerReference{APIVersion: "config.porch.kpt.dev/v1alpha1", Kind: "Repository", Name: "r", UID: uid})
		}
		return refs
	}
	labels := func(repo string) map[string]string {
		if repo == "" {
			return map[string]string{"team": "a"}
		}
		return map[string]string{"team": "a", porchv1alpha1.RepositoryLabel: repo}
	}
	want := &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: "r.pkg.main", Labels: labels("r"), OwnerReferences: ownedBy(repoUID)}}
	tests := []struct {
		name   string
		labels map[string]string
		owners []metav1.OwnerReference
		want   takenName
	}{
		{name: "ours with the label removed", labels: labels(""), owners: ownedBy(repoUID), want: takenUnlabelled},
		{name: "ours labelled for another repository", labels: labels("other"), owners: ownedBy(repoUID), want: takenUnlabelled},
		{name: "ours, co-owned by a PackageVariant, label removed",
			labels: labels(""), owners: append([]metav1.OwnerReference{{Kind: "PackageVariant", UID: "pv"}}, ownedBy(repoUID)...), want: takenUnlabelled},
		{name: "ours and labelled: made since the listing", labels: labels("r"), owners: ownedBy(repoUID), want: takenSinceListed},
		{name: "a user's, unlabelled", labels: labels(""), want: takenByOther},
		{name: "a user's, with our label", labels: labels("r"), want: takenByOther},
		{name: "an earlier Repository's of the same name", labels: labels(""), owners: ownedBy(earlierUID), want: takenByOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have := &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{Name: want.Name, Labels: tt.labels, OwnerReferences: tt.owners}}
			if got := planTaken(repoUID, have, want); got != tt.want {
				t.Fatalf("planTaken = %v, want %v", got, tt.want)
			}
		})
	}
}

// What is patched back is the labels the sync owns; a user's stay.
func TestRelabelKeepsTheUsersLabels(t *testing.T) {
	have := map[string]string{"team": "a"}
	want := map[string]string{porchv1alpha1.RepositoryLabel: "r", porchv1alpha1.LatestPackageRevisionKey: porchv1alpha1.LatestPackageRevisionValue}
	got := mergeLabels(copyMap(have), want)
	if len(got) != 3 || got["team"] != "a" || got[porchv1alpha1.RepositoryLabel] != "r" || got[porchv1alpha1.LatestPackageRevisionKey] != porchv1alpha1.LatestPackageRevisionValue {
		t.Fatalf("labels after relabelling: %v", got)
	}
	if len(have) != 1 {
		t.Fatalf("the object read was changed in place: %v", have)
	}
}
