package webhook

import (
	"slices"
	"strconv"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// NotTheSystem names the match condition with which a webhook skips the
// manager's own requests.
const NotTheSystem = "not-the-system"

// ChecksTheSystem are the webhooks that check the manager's requests too:
// the Repository webhook holds every Repository (the local mode's
// included) to its name, overlap and schedule rules. Every other webhook
// lets the system's requests through unchecked (the manager's
// --system-users), so the apiserver need not call it for them.
var ChecksTheSystem = []string{"vrepository-v1alpha1.config.porch.kpt.dev"}

// SkipSystemUsers adds to every webhook but those of ChecksTheSystem a
// match condition that leaves out requests by the given users, the
// manager's: a sync of a large repository makes thousands of writes, and
// each would otherwise wait on a webhook call that admits it unchecked.
// Which of these webhooks admits what is unchanged; the apiserver just
// does not ask.
func SkipSystemUsers(validating []*admissionregistrationv1.ValidatingWebhookConfiguration,
	mutating []*admissionregistrationv1.MutatingWebhookConfiguration, users ...string) {
	if len(users) == 0 {
		return
	}
	condition := admissionregistrationv1.MatchCondition{Name: NotTheSystem, Expression: NotTheSystemExpression(users...)}
	add := func(name string, conditions *[]admissionregistrationv1.MatchCondition) {
		if !slices.Contains(ChecksTheSystem, name) {
			*conditions = append(*conditions, condition)
		}
	}
	for _, cfg := range validating {
		for i := range cfg.Webhooks {
			add(cfg.Webhooks[i].Name, &cfg.Webhooks[i].MatchConditions)
		}
	}
	for _, cfg := range mutating {
		for i := range cfg.Webhooks {
			add(cfg.Webhooks[i].Name, &cfg.Webhooks[i].MatchConditions)
		}
	}
}

// NotTheSystemExpression is the CEL expression of the NotTheSystem match
// condition: true for a request by anyone but users.
func NotTheSystemExpression(users ...string) string {
	quoted := make([]string, len(users))
	for i, u := range users {
		quoted[i] = strconv.Quote(u)
	}
	return "!(request.userInfo.username in [" + strings.Join(quoted, ", ") + "])"
}
