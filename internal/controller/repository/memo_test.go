package repository

import (
	"fmt"
	"strconv"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestMemoDiffers(t *testing.T) {
	rev, res := memoKey{revisionKind.name, "r.a.v1"}, memoKey{resourcesKind.name, "r.a.v1"}
	memo := &repoMemo{entries: map[memoKey]memoEntry{}}
	for key, version := range map[memoKey]string{rev: "10", res: "11"} {
		obj := &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{ResourceVersion: version}}
		memo.remember(key, obj, "want", "")
	}
	tests := []struct {
		name   string
		listed map[memoKey]string
		want   bool
	}{
		{"as the last sync left them", map[memoKey]string{rev: "10", res: "11"}, false},
		{"one written since", map[memoKey]string{rev: "10", res: "12"}, true},
		{"one gone", map[memoKey]string{rev: "10"}, true},
		{"one the memo does not know", map[memoKey]string{rev: "10", res: "11", {packageKind.name, "r.a"}: "3"}, true},
		{"as many, one of them unknown", map[memoKey]string{rev: "10", {packageKind.name, "r.a"}: "11"}, true},
	}
	for _, tt := range tests {
		if got := memo.differs(tt.listed); got != tt.want {
			t.Errorf("%s: differs = %t, want %t", tt.name, got, tt.want)
		}
	}

	memo.retain(map[memoKey]string{rev: "want"})
	if memo.differs(map[memoKey]string{rev: "10"}) {
		t.Errorf("after retaining only the revision, the memo still holds %v", memo.entries)
	}
}

func TestDraftEdits(t *testing.T) {
	k := draftEdits(resourcesKind, map[string]bool{"r.a.draft": true, "r.a.v1": false})
	edited := func(name string) *porchv1alpha1.PackageRevisionResources {
		return &porchv1alpha1.PackageRevisionResources{
			ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 3},
			Spec:       porchv1alpha1.PackageRevisionResourcesSpec{Resources: map[string]string{"Kptfile": "x"}},
			Status:     porchv1alpha1.PackageRevisionResourcesStatus{ObservedGeneration: 2},
		}
	}
	if !k.isPending(edited("r.a.draft")) {
		t.Error("a Draft's edit not committed yet is not pending")
	}
	if k.isPending(edited("r.a.v1")) {
		t.Error("the resources of a published revision, whose observed generation someone changed, are pending")
	}
	if k.isPending(edited("r.gone.draft")) {
		t.Error("the resources of a revision gone from git are pending")
	}
}

// BenchmarkMemoDiffers measures the comparison an unchanged sync makes of a
// repository of 4,000 revisions (12,000 objects) with its memo.
func BenchmarkMemoDiffers(b *testing.B) {
	memo := &repoMemo{entries: map[memoKey]memoEntry{}}
	listed := map[memoKey]string{}
	for i := range 4000 {
		for _, kind := range []string{packageKind.name, revisionKind.name, resourcesKind.name} {
			key := memoKey{kind, fmt.Sprintf("r.p%d.v1", i)}
			version := strconv.Itoa(i)
			memo.remember(key, &porchv1alpha1.PackageRevision{ObjectMeta: metav1.ObjectMeta{ResourceVersion: version}}, "want", "")
			listed[key] = version
		}
	}
	for b.Loop() {
		if memo.differs(listed) {
			b.Fatal("differs")
		}
	}
}
