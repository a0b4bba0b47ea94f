package webhook

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// withStatus sets a revision's status as the system left it: Ready and
// Rendered, observed, published from git.
func withStatus(pr *porchv1alpha1.PackageRevision) {
	at := metav1.NewTime(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	pr.Status = porchv1alpha1.PackageRevisionStatus{
		Conditions: []metav1.Condition{
			{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonReady, LastTransitionTime: at},
			{Type: porchv1alpha1.ConditionRendered, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonRenderSucceeded, LastTransitionTime: at},
			{Type: "example.com/reviewed", Status: metav1.ConditionFalse, Reason: "Waiting", LastTransitionTime: at},
		},
		PackageConditions:  []porchv1alpha1.PackageCondition{{Type: "example.com/tested", Status: "False"}},
		ObservedGeneration: 1,
		SelfLock:           &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeGit, Git: &porchv1alpha1.GitLock{Repo: "http://git/r.git", Commit: "abc"}},
	}
}

func TestValidateUserRevisionStatus(t *testing.T) {
	tests := []struct {
		name      string
		lifecycle lifecycle
		change    func(*porchv1alpha1.PackageRevisionStatus)
		want      []string
	}{
		{"nothing changed", published, func(*porchv1alpha1.PackageRevisionStatus) {}, nil},
		{"a Draft's package conditions", draft, func(s *porchv1alpha1.PackageRevisionStatus) {
			s.PackageConditions = []porchv1alpha1.PackageCondition{{Type: "example.com/tested", Status: "True"}}
		}, nil},
		{"a Draft's condition of a gate", draft, func(s *porchv1alpha1.PackageRevisionStatus) {
			s.Conditions[2].Status = metav1.ConditionTrue
			s.Conditions = append(s.Conditions, metav1.Condition{Type: "example.com/scanned", Status: metav1.ConditionTrue, Reason: "Scanned"})
		}, nil},
		{"a Proposed revision's package conditions", proposed, func(s *porchv1alpha1.PackageRevisionStatus) { s.PackageConditions = nil }, []string{
			`status.packageConditions: Forbidden: the package's conditions are a Draft's to change, and PackageRevision "blueprints.app.v1" is Proposed; set its spec.lifecycle back to Draft first`}},
		{"a Published revision's condition of a gate", published, func(s *porchv1alpha1.PackageRevisionStatus) { s.Conditions[2].Status = metav1.ConditionTrue }, []string{
			`status.conditions: Forbidden: the package's conditions are a Draft's to change, and PackageRevision "blueprints.app.v1" is Published; start a new revision`}},
		{"the Ready condition, even of a Draft", draft, func(s *porchv1alpha1.PackageRevisionStatus) { s.Conditions[0].Reason = porchv1alpha1.ReasonPending }, []string{
			"status.conditions[Ready]: Forbidden: the Ready condition is written only by the system; a user may change status.packageConditions"}},
		{"the Rendered condition removed", draft, func(s *porchv1alpha1.PackageRevisionStatus) { s.Conditions = s.Conditions[:1] }, []string{
			"status.conditions[Rendered]: Forbidden: the Rendered condition is written only by the system"}},
		{"a Rendered condition added", draft, func(s *porchv1alpha1.PackageRevisionStatus) {
			s.Conditions = []metav1.Condition{s.Conditions[0], s.Conditions[2],
				{Type: porchv1alpha1.ConditionRendered, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonRenderSucceeded}}
		}, []string{"status.conditions[Rendered]: Forbidden"}},
		{"every field of the system's", draft, func(s *porchv1alpha1.PackageRevisionStatus) {
			at := metav1.Now()
			s.ObservedGeneration, s.UpstreamLock, s.SelfLock = 7, &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeGit}, nil
			s.PublishedBy, s.PublishedAt, s.Deployment = "someone", &at, true
		}, []string{
			"status.observedGeneration: Forbidden: written only by the system, from the repository and the controllers' work",
			"status.upstreamLock: Forbidden", "status.selfLock: Forbidden", "status.publishedBy: Forbidden",
			"status.publishTimestamp: Forbidden", "status.deployment: Forbidden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := rev(inLifecycle(tt.lifecycle), withStatus)
			pr := old.DeepCopy()
			tt.change(&pr.Status)
			expectErrors(t, validateUserRevisionStatus(old, pr), tt.want...)
		})
	}
}

func TestValidateUserResourcesStatus(t *testing.T) {
	old := &porchv1alpha1.PackageRevisionResources{
		ObjectMeta: metav1.ObjectMeta{Name: "blueprints.app.v1", Namespace: "ns", Generation: 2},
		Status: porchv1alpha1.PackageRevisionResourcesStatus{Resources: map[string]string{"Kptfile": "kf"}, Commit: "abc", ObservedGeneration: 2,
			RenderStatus: &porchv1alpha1.RenderStatus{}},
	}
	const why = "written only by the system: the package as committed in the repository"
	tests := []struct {
		name   string
		change func(*porchv1alpha1.PackageRevisionResourcesStatus)
		want   []string
	}{
		{"nothing changed", func(*porchv1alpha1.PackageRevisionResourcesStatus) {}, nil},
		{"a file planted", func(s *porchv1alpha1.PackageRevisionResourcesStatus) {
			s.Resources = map[string]string{"Kptfile": "kf", "forged.yaml": "x"}
		}, []string{"status.resources: Forbidden: " + why}},
		{"a render said to pass, and an edit said to be committed", func(s *porchv1alpha1.PackageRevisionResourcesStatus) {
			s.RenderStatus, s.ObservedGeneration, s.Commit = &porchv1alpha1.RenderStatus{Err: ""}, 3, "def"
		}, []string{"status.commit: Forbidden", "status.observedGeneration: Forbidden: " + why + " and how its last edit rendered; a user changes the files of a Draft through spec.resources"}},
		{"the render status removed", func(s *porchv1alpha1.PackageRevisionResourcesStatus) { s.RenderStatus = nil }, []string{"status.renderStatus: Forbidden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prr := old.DeepCopy()
			tt.change(&prr.Status)
			expectErrors(t, validateUserResourcesStatus(old, prr), tt.want...)
		})
	}
}
