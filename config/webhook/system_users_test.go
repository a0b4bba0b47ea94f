package webhook

import (
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// Every webhook that admits the system's requests unchecked skips them,
// beside any condition of its own; the Repository webhook, which checks
// them, is still called for them.
func TestSkipSystemUsers(t *testing.T) {
	validating, mutating, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	own := map[string][]admissionregistrationv1.MatchCondition{}
	for _, cfg := range mutating {
		for _, hook := range cfg.Webhooks {
			own[hook.Name] = slices.Clone(hook.MatchConditions)
		}
	}
	SkipSystemUsers(validating, mutating, "porch-manager", `odd"name`)
	want := admissionregistrationv1.MatchCondition{Name: NotTheSystem, Expression: `!(request.userInfo.username in ["porch-manager", "odd\"name"])`}
	check := func(name string, conditions []admissionregistrationv1.MatchCondition) {
		t.Helper()
		if slices.Contains(ChecksTheSystem, name) {
			if slices.ContainsFunc(conditions, func(c admissionregistrationv1.MatchCondition) bool { return c.Name == NotTheSystem }) {
				t.Errorf("%s checks the system's requests, but skips them: %v", name, conditions)
			}
			return
		}
		if got := append(slices.Clone(own[name]), want); !slices.Equal(conditions, got) {
			t.Errorf("%s: match conditions %v, want %v", name, conditions, got)
		}
	}
	hooks := 0
	for _, cfg := range validating {
		for _, hook := range cfg.Webhooks {
			check(hook.Name, hook.MatchConditions)
			hooks++
		}
	}
	for _, cfg := range mutating {
		for _, hook := range cfg.Webhooks {
			check(hook.Name, hook.MatchConditions)
			hooks++
		}
	}
	if hooks < 7 {
		t.Errorf("checked %d webhooks, want the 7 of manifests.yaml", hooks)
	}
}
