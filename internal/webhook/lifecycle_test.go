package webhook

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// rev is a Draft of package app in repository blueprints, workspace v1,
// changed by the options.
func rev(opts ...func(*porchv1alpha1.PackageRevision)) *porchv1alpha1.PackageRevision {
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Name: "blueprints.app.v1", Namespace: "ns"},
		Spec: porchv1alpha1.PackageRevisionSpec{PackageName: "app", RepositoryName: "blueprints", WorkspaceName: "v1", Lifecycle: draft,
			Tasks: []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}}},
	}
	for _, o := range opts {
		o(pr)
	}
	return pr
}

func inLifecycle(l lifecycle) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Lifecycle = l }
}

func withRevision(n int) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) { pr.Spec.Revision = n }
}

func withLabel(k, v string) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) { pr.Labels = map[string]string{k: v} }
}

func withAnnotation(k, v string) func(*porchv1alpha1.PackageRevision) {
	return func(pr *porchv1alpha1.PackageRevision) { pr.Annotations = map[string]string{k: v} }
}

// expectErrors checks errs against want, "field: detail substring" each, in order.
func expectErrors(t *testing.T, errs field.ErrorList, want ...string) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d errors %v, want %d %q", len(errs), errs, len(want), want)
	}
	for i, w := range want {
		fieldPath, detail, _ := strings.Cut(w, ": ")
		if errs[i].Field != fieldPath || !strings.Contains(errs[i].Error(), detail) {
			t.Errorf("error %d = %q, want %s and ...%s...", i, errs[i].Error(), fieldPath, detail)
		}
	}
}

func TestValidateTransition(t *testing.T) {
	all := []lifecycle{draft, proposed, published, deletionProposed}
	accepted := map[[2]lifecycle]bool{
		{draft, draft}: true, {draft, proposed}: true,
		{proposed, proposed}: true, {proposed, draft}: true, {proposed, published}: true,
		{published, published}: true, {published, deletionProposed}: true,
		{deletionProposed, deletionProposed}: true, {deletionProposed, published}: true,
	}
	for _, from := range all {
		for _, to := range all {
			err := validateTransition(from, to)
			if accepted[[2]lifecycle{from, to}] != (err == nil) {
				t.Errorf("%s to %s: got %v, want accepted=%v", from, to, err, accepted[[2]lifecycle{from, to}])
			}
			if err != nil && (err.Field != "spec.lifecycle" || !strings.Contains(err.Detail, "cannot change from "+string(from)+" to "+string(to)+"; ")) {
				t.Errorf("%s to %s: message %q does not name the field and both lifecycles", from, to, err.Error())
			}
		}
	}

	tests := []struct {
		from, to lifecycle
		want     string
	}{
		{draft, published, "cannot change from Draft to Published; propose it first (Proposed), then approve (accepted from Draft: Draft, Proposed)"},
		{draft, deletionProposed, "only a published revision can be proposed for deletion; delete a Draft or Proposed revision instead (accepted from Draft: Draft, Proposed)"},
		{proposed, deletionProposed, "(accepted from Proposed: Proposed, Draft, Published)"},
		{published, draft, "a published revision never goes back to Draft or Proposed; start a new revision from it with an edit task (accepted from Published: Published, DeletionProposed)"},
		{deletionProposed, proposed, "(accepted from DeletionProposed: DeletionProposed, Published)"},
	}
	for _, tt := range tests {
		if err := validateTransition(tt.from, tt.to); err == nil || !strings.Contains(err.Detail, tt.want) {
			t.Errorf("%s to %s: got %v, want ...%s...", tt.from, tt.to, err, tt.want)
		}
	}
}

func TestValidateNewRevision(t *testing.T) {
	tests := []struct {
		name string
		pr   *porchv1alpha1.PackageRevision
		want []string
	}{
		{"a Draft", rev(), nil},
		{"lifecycle left to the default", rev(inLifecycle("")), nil},
		{"Published", rev(inLifecycle(published), withRevision(1)), []string{
			"spec.lifecycle: a PackageRevision is created as Draft",
			"spec.revision: set only by the system when the revision is published; leave it at 0"}},
		{"Proposed", rev(inLifecycle(proposed)), []string{"spec.lifecycle: created as Draft"}},
		{"misnamed", rev(func(pr *porchv1alpha1.PackageRevision) { pr.Name = "app" }), []string{
			"metadata.name: must be blueprints.app.v1: the repository, the package path with / as . and the workspace"}},
		{"nested package", rev(func(pr *porchv1alpha1.PackageRevision) {
			pr.Name, pr.Spec.PackageName = "blueprints.team.app.v1", "team/app"
		}), nil},
		{"latest label", rev(withLabel(porchv1alpha1.LatestPackageRevisionKey, "true")), []string{
			"metadata.labels[kpt.dev/latest-revision]: set only by the system, on the highest published revision of a package; leave it out"}},
		{"latest label false", rev(withLabel(porchv1alpha1.LatestPackageRevisionKey, "false")), []string{"metadata.labels[kpt.dev/latest-revision]: leave it out"}},
		{"other labels", rev(withLabel("team", "a")), nil},
		{"approved-by", rev(withAnnotation(porchv1alpha1.ApprovedByAnnotation, "me")), []string{
			"metadata.annotations[porch.kpt.dev/approved-by]: set only by the system, to the user who approves the revision; leave it out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectErrors(t, validateNewRevision(tt.pr), tt.want...) })
	}
}

func TestValidateUserUpdate(t *testing.T) {
	gates := func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.ReadinessGates = []porchv1alpha1.ReadinessGate{{ConditionType: "checked"}}
	}
	metadata := func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.PackageMetadata = &porchv1alpha1.PackageMetadata{Labels: map[string]string{"a": "b"}}
	}
	pub := func(opts ...func(*porchv1alpha1.PackageRevision)) *porchv1alpha1.PackageRevision {
		return rev(append([]func(*porchv1alpha1.PackageRevision){inLifecycle(published), withRevision(2)}, opts...)...)
	}
	approved := withAnnotation(porchv1alpha1.ApprovedByAnnotation, "alice")
	tests := []struct {
		name     string
		old, pr  *porchv1alpha1.PackageRevision
		approver string
		want     []string
	}{
		{"Draft spec change", rev(), rev(gates, metadata), "alice", nil},
		{"propose", rev(), rev(inLifecycle(proposed)), "alice", nil},
		{"reject", rev(inLifecycle(proposed)), rev(inLifecycle(draft)), "alice", nil},
		{"approve, recorded by the mutating webhook", rev(inLifecycle(proposed)), rev(inLifecycle(published), approved), "alice", nil},
		{"approve, naming someone else", rev(inLifecycle(proposed)), rev(inLifecycle(published), approved), "bob", []string{
			"metadata.annotations[porch.kpt.dev/approved-by]: set only by the system"}},
		{"approved-by on a Draft", rev(), rev(approved), "alice", []string{"metadata.annotations[porch.kpt.dev/approved-by]: leave it out"}},
		{"approved-by removed", pub(approved), pub(), "alice", []string{`metadata.annotations[porch.kpt.dev/approved-by]: leave it as it is ("alice")`}},
		{"Draft to Published", rev(), rev(inLifecycle(published)), "alice", []string{"spec.lifecycle: cannot change from Draft to Published; propose it first"}},
		{"Published to Draft", pub(), pub(inLifecycle(draft)), "alice", []string{"spec.lifecycle: cannot change from Published to Draft"}},
		{"propose deletion", pub(), pub(inLifecycle(deletionProposed)), "alice", nil},
		{"withdraw a deletion proposal", pub(inLifecycle(deletionProposed)), pub(), "alice", nil},
		{"Published labels", pub(), pub(withLabel("team", "a")), "alice", nil},
		{"Published gates", pub(), pub(gates), "alice", []string{
			"spec.readinessGates: a Published PackageRevision is immutable except spec.lifecycle and metadata; start a new revision from it with an edit task"}},
		{"DeletionProposed metadata and gates", pub(inLifecycle(deletionProposed)), pub(inLifecycle(deletionProposed), gates, metadata), "alice", []string{
			"spec.readinessGates: a DeletionProposed PackageRevision is immutable",
			"spec.packageMetadata: a DeletionProposed PackageRevision is immutable"}},
		{"Published gates with deletion proposed", pub(), pub(inLifecycle(deletionProposed), gates), "alice", []string{"spec.readinessGates: immutable"}},
		{"revision set", rev(), rev(withRevision(3)), "alice", []string{"spec.revision: set only by the system when the revision is published; leave it at 0"}},
		{"revision of a published one", pub(), pub(withRevision(3)), "alice", []string{"spec.revision: leave it at 2"}},
		{"latest label set", pub(), pub(withLabel(porchv1alpha1.LatestPackageRevisionKey, "true")), "alice", []string{
			"metadata.labels[kpt.dev/latest-revision]: set only by the system"}},
		{"latest label removed", pub(withLabel(porchv1alpha1.LatestPackageRevisionKey, "true")), pub(), "alice", []string{
			`metadata.labels[kpt.dev/latest-revision]: leave it as it is ("true")`}},
		{"latest label kept beside a new label", pub(withLabel(porchv1alpha1.LatestPackageRevisionKey, "true")),
			pub(func(pr *porchv1alpha1.PackageRevision) {
				pr.Labels = map[string]string{porchv1alpha1.LatestPackageRevisionKey: "true", "team": "a"}
			}), "alice", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectErrors(t, validateUserUpdate(tt.old, tt.pr, tt.approver), tt.want...) })
	}
}

func TestUnmetGates(t *testing.T) {
	pr := rev(func(pr *porchv1alpha1.PackageRevision) {
		pr.Spec.ReadinessGates = []porchv1alpha1.ReadinessGate{{ConditionType: "kptfile"}, {ConditionType: "Ready"}, {ConditionType: "tested"}, {ConditionType: "scanned"}}
		pr.Status.PackageConditions = []porchv1alpha1.PackageCondition{{Type: "kptfile", Status: "True"}, {Type: "tested", Status: "False"}}
		pr.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue}, {Type: "scanned", Status: metav1.ConditionUnknown}}
	})
	if got := strings.Join(pr.UnmetReadinessGates(), ","); got != "tested,scanned" {
		t.Fatalf("UnmetReadinessGates = %s, want tested,scanned", got)
	}
	err := validateGates(pr)
	if err == nil || err.Field != "spec.readinessGates" || !strings.Contains(err.Detail, `readiness gates not met: "tested", "scanned" not True`) {
		t.Fatalf("validateGates = %v", err)
	}
	if err := validateGates(rev()); err != nil {
		t.Fatalf("no gates: %v", err)
	}
}
