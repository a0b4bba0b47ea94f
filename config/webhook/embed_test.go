package webhook

import (
	"strings"
	"testing"
)

func TestLoadHasTheRepositoryWebhook(t *testing.T) {
	validating, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range validating {
		for _, hook := range cfg.Webhooks {
			if hook.Name == "vrepository-v1alpha1.config.porch.kpt.dev" {
				if hook.ClientConfig.Service == nil || hook.ClientConfig.Service.Path == nil {
					t.Fatalf("the Repository webhook has no service path, which the local mode rewrites into a URL: %+v", hook.ClientConfig)
				}
				return
			}
		}
	}
	t.Fatalf("manifests.yaml lacks the Repository webhook; run make manifests")
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
