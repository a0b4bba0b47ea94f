package repository

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

func TestRevisionMergeKeepsWhatUsersOwn(t *testing.T) {
	have := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Generation: 4, Labels: map[string]string{"team": "a", porchv1alpha1.LatestPackageRevisionKey: "true", porchv1alpha1.RepositoryLabel: "r"}},
		Spec: porchv1alpha1.PackageRevisionSpec{Lifecycle: proposed, Tasks: []porchv1alpha1.Task{{Type: "init"}},
			ReadinessGates: []porchv1alpha1.ReadinessGate{{ConditionType: "x"}}},
		Status: porchv1alpha1.PackageRevisionStatus{Conditions: []metav1.Condition{
			{Type: "Ready", Status: "True", Reason: "Ready", Message: "m", LastTransitionTime: metav1.Unix(100, 0)},
			{Type: "Rendered", Status: "True", Reason: "RenderSucceeded"},
		}},
	}
	want := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{porchv1alpha1.RepositoryLabel: "r"}},
		Spec:       porchv1alpha1.PackageRevisionSpec{Lifecycle: published, Revision: 3},
		Status:     porchv1alpha1.PackageRevisionStatus{Conditions: []metav1.Condition{{Type: "Ready", Status: "True", Reason: "Ready", Message: "m"}}},
	}
	if !revisionKind.mergeSpec(have, want) {
		t.Fatal("publishing changed the spec, merge says nothing changed")
	}
	if have.Labels["team"] != "a" || have.Labels[porchv1alpha1.LatestPackageRevisionKey] != "" || len(have.Spec.Tasks) != 1 || len(have.Spec.ReadinessGates) != 1 {
		t.Fatalf("merge lost a user's field or kept a stale label: %+v %+v", have.Labels, have.Spec)
	}
	if have.Spec.Lifecycle != published || have.Spec.Revision != 3 {
		t.Fatalf("lifecycle and revision not taken: %+v", have.Spec)
	}
	if revisionKind.mergeSpec(have, want) {
		t.Fatal("a second merge of the same want reports a change")
	}
	if !revisionKind.mergeStatus(have, want) { // observedGeneration moves to 4
		t.Fatal("status merge reports no change")
	}
	if len(have.Status.Conditions) != 2 || !have.Status.Conditions[0].LastTransitionTime.Equal(&metav1.Time{Time: metav1.Unix(100, 0).Time}) {
		t.Fatalf("conditions: %+v", have.Status.Conditions)
	}
	if revisionKind.mergeStatus(have, want) {
		t.Fatal("a second status merge of the same want reports a change")
	}
}

func TestProposedRevisionsAreCreatedAsDraft(t *testing.T) {
	want := &porchv1alpha1.PackageRevision{Spec: porchv1alpha1.PackageRevisionSpec{Lifecycle: proposed},
		Status: porchv1alpha1.PackageRevisionStatus{Deployment: true}}
	got := revisionKind.forCreate(want)
	if got.Spec.Lifecycle != draft || got.Status.Deployment || want.Spec.Lifecycle != proposed {
		t.Fatalf("forCreate = %+v (want left %+v)", got.Spec, want.Spec)
	}
}

func TestRevisionsAreCreatedWithTheAuthoringFinalizer(t *testing.T) {
	want := &porchv1alpha1.PackageRevision{Spec: porchv1alpha1.PackageRevisionSpec{Lifecycle: published}}
	got := revisionKind.forCreate(want)
	if !slices.Equal(got.Finalizers, []string{porchv1alpha1.PackageRevisionFinalizer}) || len(want.Finalizers) != 0 {
		t.Fatalf("finalizers of the created revision = %q (want left %q), want only %q", got.Finalizers, want.Finalizers, porchv1alpha1.PackageRevisionFinalizer)
	}
	// Updates own neither the finalizers nor anything else of the metadata
	// but the labels: the finalizer stays, as does one someone else added.
	got.Finalizers = append(got.Finalizers, "example.com/other")
	if revisionKind.mergeSpec(got, want) || len(got.Finalizers) != 2 {
		t.Fatalf("merging want changed the finalizers: %q", got.Finalizers)
	}
}

func TestResourcesMergeLeavesTheUsersSpecResources(t *testing.T) {
	have := &porchv1alpha1.PackageRevisionResources{Spec: porchv1alpha1.PackageRevisionResourcesSpec{Resources: map[string]string{"a": "user"}}}
	want := &porchv1alpha1.PackageRevisionResources{Spec: porchv1alpha1.PackageRevisionResourcesSpec{PackageName: "p"},
		Status: porchv1alpha1.PackageRevisionResourcesStatus{Resources: map[string]string{"a": "git"}, Commit: "c"}}
	resourcesKind.mergeSpec(have, want)
	resourcesKind.mergeStatus(have, want)
	if have.Spec.Resources["a"] != "user" || have.Spec.PackageName != "p" || have.Status.Resources["a"] != "git" || have.Status.Commit != "c" {
		t.Fatalf("got %+v", have)
	}
	if resourcesKind.mergeStatus(have, want) || resourcesKind.mergeSpec(have, want) {
		t.Fatal("merging the same want twice reports a change")
	}
}

func TestDraftPackageConditionsAreTheUsers(t *testing.T) {
	reviewed := []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "True"}}
	inGit := []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "False"}}
	for _, tc := range []struct {
		lifecycle porchv1alpha1.PackageRevisionLifecycle
		have      []porchv1alpha1.PackageCondition
		want      []porchv1alpha1.PackageCondition
	}{
		{lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, have: reviewed, want: reviewed},
		{lifecycle: proposed, have: reviewed, want: reviewed},
		{lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, have: nil, want: inGit},
		{lifecycle: published, have: reviewed, want: inGit},
	} {
		have := &porchv1alpha1.PackageRevision{Spec: porchv1alpha1.PackageRevisionSpec{Lifecycle: tc.lifecycle},
			Status: porchv1alpha1.PackageRevisionStatus{PackageConditions: tc.have}}
		want := &porchv1alpha1.PackageRevision{Spec: porchv1alpha1.PackageRevisionSpec{Lifecycle: tc.lifecycle},
			Status: porchv1alpha1.PackageRevisionStatus{PackageConditions: inGit}}
		revisionKind.mergeStatus(have, want)
		if !slices.Equal(have.Status.PackageConditions, tc.want) {
			t.Errorf("%s with %+v: package conditions %+v, want %+v", tc.lifecycle, tc.have, have.Status.PackageConditions, tc.want)
		}
	}
}
