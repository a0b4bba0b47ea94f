package variant

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// statusKptfile has a condition and a gate of someone else, those of a
// point the package no longer has, and a stale condition of a point it has.
const statusKptfile = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
info:
  description: app # kept
  readinessGates:
  - conditionType: Approved
  - conditionType: config.injection.ConfigMap.gone
status:
  conditions:
  - type: config.injection.Database.db
    status: "True"
    reason: ConfigInjected
    message: injected resource "old-db" from cluster
  - type: config.injection.ConfigMap.gone
    status: "False"
    reason: NoResourceSelected
  - type: Approved
    status: "True"
`

func TestSetInjectionStatus(t *testing.T) {
	settings := object("ConfigMap", "prod-settings", nil)
	tests := []struct {
		name    string
		content string
		points  []InjectionPoint
		objects map[InjectionPoint]*unstructured.Unstructured
		want    string
	}{
		{name: "conditions and gates", content: statusKptfile, points: []InjectionPoint{resourcesSettings, resourcesDB},
			objects: map[InjectionPoint]*unstructured.Unstructured{resourcesSettings: settings},
			want: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
info:
  description: app # kept
  readinessGates:
  - conditionType: Approved
  - conditionType: config.injection.ConfigMap.settings
status:
  conditions:
  - type: config.injection.Database.db
    status: "False"
    reason: NoResourceSelected
    message: no resource matched any injection selector for this injection point
  - type: Approved
    status: "True"
  - type: config.injection.ConfigMap.settings
    status: "True"
    reason: ConfigInjected
    message: injected resource "prod-settings" from cluster
`},
		{name: "no points left", content: statusKptfile,
			want: `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: app
info:
  description: app # kept
  readinessGates:
  - conditionType: Approved
status:
  conditions:
  - type: Approved
    status: "True"
`},
		{name: "sections emptied go", content: bareKptfile + "info:\n  readinessGates:\n  - conditionType: config.injection.ConfigMap.gone\n" +
			"status:\n  conditions:\n  - type: config.injection.ConfigMap.gone\n    status: \"False\"\n", want: bareKptfile},
		{name: "no points, nothing to do", content: exampleKptfile, want: exampleKptfile},
		{name: "an optional point has no gate", content: bareKptfile, points: []InjectionPoint{resourcesDB},
			want: bareKptfile + `status:
  conditions:
  - type: config.injection.Database.db
    status: "False"
    reason: NoResourceSelected
    message: no resource matched any injection selector for this injection point
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := cad.Package{cad.KptfileName: tc.content}
			if err := setInjectionStatus(files, tc.points, tc.objects); err != nil {
				t.Fatal(err)
			}
			got := files[cad.KptfileName]
			if got != tc.want {
				t.Fatalf("want:\n%s\ngot:\n%s", tc.want, got)
			}
			if _, err := kptfile.Read(got); err != nil {
				t.Fatalf("the result is not a valid Kptfile: %v", err)
			}
		})
	}
}

func TestSetInjectionStatusErrors(t *testing.T) {
	points := []InjectionPoint{resourcesSettings}
	if err := setInjectionStatus(cad.Package{}, points, nil); err == nil || !strings.HasPrefix(err.Error(), "Kptfile: missing") {
		t.Fatalf("want an error for a missing Kptfile, got %v", err)
	}
	if err := setInjectionStatus(cad.Package{}, nil, nil); err != nil {
		t.Fatalf("want no error without points, got %v", err)
	}
	unknown := cad.Package{cad.KptfileName: bareKptfile + "bogus: 1\n"}
	if err := setInjectionStatus(unknown, points, nil); err != nil || !strings.Contains(unknown[cad.KptfileName], "bogus: 1") {
		t.Fatalf("a field this version does not know is the author's business, and stays: %v\n%s", err, unknown[cad.KptfileName])
	}
	bad := cad.Package{cad.KptfileName: "metadata: [broken"}
	if err := setInjectionStatus(bad, points, nil); err == nil || !strings.HasPrefix(err.Error(), "Kptfile: ") {
		t.Fatalf("want a Kptfile read error, got %v", err)
	}
	twin := resourcesSettings
	twin.File = "other.yaml"
	err := uniqueConditionTypes([]InjectionPoint{resourcesSettings, resourcesDB, twin})
	if err == nil || !strings.Contains(err.Error(), "resources.yaml and other.yaml") || !strings.Contains(err.Error(), "config.injection.ConfigMap.settings") {
		t.Fatalf("want an error naming both files and the condition, got %v", err)
	}
}
