package webhook

import (
	"strings"
	"testing"
)

func TestLoadHasTheWebhooks(t *testing.T) {
	validating, mutating, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	// Each webhook's service path, which the local mode rewrites into a URL.
	paths := map[string]*string{}
	for _, cfg := range validating {
		for _, hook := range cfg.Webhooks {
			if hook.ClientConfig.Service != nil {
				paths[hook.Name] = hook.ClientConfig.Service.Path
			}
		}
	}
	for _, cfg := range mutating {
		for _, hook := range cfg.Webhooks {
			if hook.ClientConfig.Service != nil {
				paths[hook.Name] = hook.ClientConfig.Service.Path
			}
		}
	}
	for _, name := range []string{
		"vrepository-v1alpha1.config.porch.kpt.dev",
		"vpackagerevision-v1alpha1.porch.kpt.dev",
		"vpackagerevisionresources-v1alpha1.porch.kpt.dev",
		"vpackagerevision-status-v1alpha1.porch.kpt.dev",
		"vpackagerevisionresources-status-v1alpha1.porch.kpt.dev",
		"mpackagerevision-v1alpha1.porch.kpt.dev",
	} {
		if p, ok := paths[name]; !ok || p == nil {
			t.Errorf("manifests.yaml lacks the webhook %s with a service path; run make manifests", name)
		}
	}
}

func TestParse(t *testing.T) {
	const docs = `---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: m}
webhooks: []
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: v}
webhooks: []
`
	validating, mutating, err := parse([]byte(docs))
	if err != nil || len(validating) != 1 || validating[0].Name != "v" || len(mutating) != 1 || mutating[0].Name != "m" {
		t.Fatalf("parse = %v, %v, %v", validating, mutating, err)
	}

	for _, bad := range []string{
		"apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
		"apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nwebhook: []\n",
	} {
		if _, _, err := parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "manifests.yaml") {
			t.Errorf("parse(%q) = %v, want an error naming the file", bad, err)
		}
	}
}
