// Package config_test checks what the kustomizations of config/ install,
// built as kubectl apply -k builds them.
package config_test

import (
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	webhookconfig "github.com/porch-dev/porch/config/webhook"
	porchwebhook "github.com/porch-dev/porch/internal/webhook"
)

func build(t *testing.T, dir string) resmap.ResMap {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return m
}

// objects decodes every resource of kind in m.
func objects[T any](t *testing.T, m resmap.ResMap, kind string) map[string]*T {
	t.Helper()
	out := map[string]*T{}
	for _, r := range m.Resources() {
		if r.GetKind() != kind {
			continue
		}
		data, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		obj := new(T)
		if err := yaml.UnmarshalStrict(data, obj); err != nil {
			t.Fatalf("%s %s: %v", kind, r.GetName(), err)
		}
		out[r.GetName()] = obj
	}
	return out
}

// The manager's own ClusterRole names every resource it uses, no
// wildcard: what else it reads comes from ClusterRoles an operator labels
// for the aggregated manager-readable one, bound to the manager too.
func TestManagerRolesAreLeastPrivilege(t *testing.T) {
	m := build(t, "rbac")
	roles := objects[rbacv1.ClusterRole](t, m, "ClusterRole")
	manager := roles["manager-role"]
	if manager == nil {
		t.Fatal("no manager-role")
	}
	for _, rule := range manager.Rules {
		for _, list := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs} {
			if slices.Contains(list, "*") {
				t.Errorf("manager-role has a wildcard: %+v", rule)
			}
		}
		if slices.Contains(rule.Resources, "secrets") && !slices.Equal(rule.Verbs, []string{"get"}) {
			t.Errorf("manager-role may do more than get Secrets: %+v", rule)
		}
	}

	readable := roles["manager-readable"]
	if readable == nil || readable.AggregationRule == nil || len(readable.AggregationRule.ClusterRoleSelectors) != 1 ||
		readable.AggregationRule.ClusterRoleSelectors[0].MatchLabels[configv1alpha1.ManagerReadableLabel] != "true" {
		t.Fatalf("manager-readable does not aggregate the ClusterRoles labelled %s: %+v", configv1alpha1.ManagerReadableLabel, readable)
	}
	var labelled []string
	for name, role := range roles {
		if role.Labels[configv1alpha1.ManagerReadableLabel] != "true" {
			continue
		}
		labelled = append(labelled, name)
		for _, rule := range role.Rules {
			if slices.Contains(rule.Resources, "*") || slices.Contains(rule.Resources, "secrets") || slices.ContainsFunc(rule.Verbs, func(v string) bool { return v != "get" && v != "list" }) {
				t.Errorf("%s, aggregated to the manager, grants more than reading named kinds: %+v", name, rule)
			}
		}
	}
	if !slices.Equal(labelled, []string{"manager-readable-configmaps"}) {
		t.Errorf("aggregated by default: %v, want the ConfigMaps role only", labelled)
	}

	bound := map[string]bool{}
	for _, b := range objects[rbacv1.ClusterRoleBinding](t, m, "ClusterRoleBinding") {
		for _, s := range b.Subjects {
			if s.Kind == rbacv1.ServiceAccountKind && s.Name == "controller-manager" {
				bound[b.RoleRef.Name] = true
			}
		}
	}
	if !bound["manager-role"] || !bound["manager-readable"] {
		t.Errorf("the manager's service account is bound to %v, want manager-role and manager-readable", bound)
	}
}

// Only the manager's pods reach the runner's API, scrapers its metrics
// port only, and only the runner the function pods.
func TestRunnerIsReachableFromTheManagerOnly(t *testing.T) {
	m := build(t, "runner")
	policies := objects[networkingv1.NetworkPolicy](t, m, "NetworkPolicy")
	runner := policies["porch-function-runner"]
	if runner == nil || runner.Namespace != "porch-system" || runner.Spec.PodSelector.MatchLabels["app.kubernetes.io/component"] != "function-runner" ||
		len(runner.Spec.Ingress) != 2 {
		t.Fatalf("the runner's NetworkPolicy: %+v", runner)
	}
	for _, rule := range runner.Spec.Ingress {
		if len(rule.Ports) != 1 || len(rule.From) != 1 {
			t.Fatalf("the runner admits %+v, want one port from one peer a rule", rule)
		}
	}
	api, scrape := runner.Spec.Ingress[0], runner.Spec.Ingress[1]
	if api.Ports[0].Port.String() != "grpc" || scrape.Ports[0].Port.String() != "metrics" {
		t.Fatalf("the runner's rules admit ports %s and %s, want grpc and metrics", api.Ports[0].Port, scrape.Ports[0].Port)
	}
	if s := scrape.From[0]; s.PodSelector != nil || s.NamespaceSelector == nil || s.NamespaceSelector.MatchLabels["metrics"] != "enabled" {
		t.Errorf("the runner's metrics port admits %+v, want namespaces labelled metrics: enabled", s)
	}
	from := api.From[0]
	managerLabels := managerPodLabels(t)
	if from.NamespaceSelector != nil || from.PodSelector == nil || len(from.PodSelector.MatchLabels) == 0 {
		t.Fatalf("the runner admits %+v, want the manager's pods of its namespace", from)
	}
	for k, v := range from.PodSelector.MatchLabels {
		if managerLabels[k] != v {
			t.Errorf("the runner admits pods labelled %s=%s, which the manager's pods are not (%v)", k, v, managerLabels)
		}
	}
	fns := policies["porch-function-pods"]
	if fns == nil || fns.Namespace != "porch-fn-system" || len(fns.Spec.Ingress) != 1 || len(fns.Spec.Ingress[0].From) != 1 ||
		fns.Spec.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/component"] != "function-runner" {
		t.Fatalf("the function pods' NetworkPolicy: %+v", fns)
	}

	deployments := objects[appsv1.Deployment](t, m, "Deployment")
	args := strings.Join(deployments["porch-function-runner"].Spec.Template.Spec.Containers[0].Args, " ")
	for _, want := range []string{"--max-pods=", "--pod-image-prefixes=ghcr.io/kptdev/krm-functions-catalog/,gcr.io/kpt-fn/"} {
		if !strings.Contains(args, want) {
			t.Errorf("the runner's args %q lack %s", args, want)
		}
	}
}

// managerPodLabels are the labels of the manager's pods, as config/manager
// makes them.
func managerPodLabels(t *testing.T) map[string]string {
	t.Helper()
	manager := objects[appsv1.Deployment](t, build(t, "manager"), "Deployment")["controller-manager"]
	if manager == nil {
		t.Fatal("no manager Deployment in config/manager")
	}
	return manager.Spec.Template.Labels
}

// The installed webhooks skip the requests of the manager's service
// account, in the namespace the Deployment runs in, exactly where the
// webhook code admits them unchecked: the manager's --system-users
// defaults to the same account (cmd/manager).
func TestWebhooksSkipTheManagersServiceAccount(t *testing.T) {
	m := build(t, "default")
	var manager *appsv1.Deployment
	for _, d := range objects[appsv1.Deployment](t, m, "Deployment") {
		if strings.HasSuffix(d.Name, "controller-manager") {
			manager = d
		}
	}
	if manager == nil {
		t.Fatal("no controller-manager Deployment")
	}
	user := porchwebhook.ServiceAccountUser(manager.Namespace, manager.Spec.Template.Spec.ServiceAccountName)
	want := admissionregistrationv1.MatchCondition{Name: webhookconfig.NotTheSystem, Expression: webhookconfig.NotTheSystemExpression(user)}
	check := func(name string, conditions []admissionregistrationv1.MatchCondition) {
		t.Helper()
		skips := slices.Contains(conditions, want)
		if checks := slices.Contains(webhookconfig.ChecksTheSystem, name); skips == checks {
			t.Errorf("webhook %s: match conditions %v; it should skip %s: %v", name, conditions, user, !checks)
		}
	}
	hooks := 0
	for _, cfg := range objects[admissionregistrationv1.ValidatingWebhookConfiguration](t, m, "ValidatingWebhookConfiguration") {
		for _, hook := range cfg.Webhooks {
			check(hook.Name, hook.MatchConditions)
			hooks++
		}
	}
	for _, cfg := range objects[admissionregistrationv1.MutatingWebhookConfiguration](t, m, "MutatingWebhookConfiguration") {
		for _, hook := range cfg.Webhooks {
			check(hook.Name, hook.MatchConditions)
			if len(hook.MatchConditions) < 2 {
				t.Errorf("webhook %s lost its own match condition: %v", hook.Name, hook.MatchConditions)
			}
			hooks++
		}
	}
	if hooks < 7 {
		t.Errorf("checked %d webhooks, want 7", hooks)
	}
}
