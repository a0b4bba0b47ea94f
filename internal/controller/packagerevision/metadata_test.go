package packagerevision

import (
	"strings"
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

func TestWithMetadata(t *testing.T) {
	pkg := cad.Package{cad.KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n  labels:\n    team: a\ninfo:\n  description: an app\n", "cm.yaml": "kind: ConfigMap\n"}
	spec := porchv1alpha1.PackageRevisionSpec{
		PackageMetadata: &porchv1alpha1.PackageMetadata{Labels: map[string]string{"tier": "web"}, Annotations: map[string]string{"owner": "ops"}},
		ReadinessGates:  []porchv1alpha1.ReadinessGate{{ConditionType: "config.injection.ConfigMap.settings"}, {ConditionType: "config.injection.ConfigMap.settings"}},
	}
	out, err := withMetadata(pkg, spec)
	if err != nil {
		t.Fatal(err)
	}
	kf, err := kptfile.Read(out[cad.KptfileName])
	if err != nil {
		t.Fatal(err)
	}
	if kf.Labels["team"] != "a" || kf.Labels["tier"] != "web" || kf.Annotations["owner"] != "ops" {
		t.Errorf("metadata not merged: labels %v, annotations %v", kf.Labels, kf.Annotations)
	}
	if kf.Info == nil || kf.Info.Description != "an app" || len(kf.Info.ReadinessGates) != 1 || kf.Info.ReadinessGates[0].ConditionType != "config.injection.ConfigMap.settings" {
		t.Errorf("readiness gates not written once: %+v", kf.Info)
	}
	if out["cm.yaml"] != pkg["cm.yaml"] || strings.Contains(pkg[cad.KptfileName], "tier") {
		t.Error("other files changed, or the input was modified")
	}

	if same, err := withMetadata(pkg, porchv1alpha1.PackageRevisionSpec{}); err != nil || same[cad.KptfileName] != pkg[cad.KptfileName] {
		t.Errorf("no metadata must change nothing: %v", err)
	}
	if _, err := withMetadata(cad.Package{"cm.yaml": "x"}, spec); err == nil || !strings.Contains(err.Error(), "no Kptfile") {
		t.Errorf("want an error naming the missing Kptfile, got %v", err)
	}
	if _, err := withMetadata(cad.Package{cad.KptfileName: "metadata: [broken"}, spec); err == nil || !strings.Contains(err.Error(), "Kptfile") {
		t.Errorf("want an error naming the Kptfile, got %v", err)
	}
}

func TestGatesOf(t *testing.T) {
	pkg := cad.Package{cad.KptfileName: "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\ninfo:\n  readinessGates:\n  - conditionType: example.com/reviewed\n  - conditionType: \"\"\n"}
	if got := gatesOf(pkg); len(got) != 1 || got[0].ConditionType != "example.com/reviewed" {
		t.Errorf("gatesOf = %+v, want the one gate with a condition type", got)
	}
	for _, kf := range []string{"", "metadata: [broken", "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\n"} {
		if got := gatesOf(cad.Package{cad.KptfileName: kf}); got != nil {
			t.Errorf("gatesOf(%q) = %+v, want none", kf, got)
		}
	}
}

func TestWithPackageConditions(t *testing.T) {
	kptfileWith := func(status string) string {
		return "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: app\ninfo:\n  readinessGates:\n  - conditionType: example.com/reviewed\n" + status
	}
	reviewed := []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "True", Reason: "Reviewed", Message: "by ops"}}
	pkg := cad.Package{cad.KptfileName: kptfileWith(""), "cm.yaml": "kind: ConfigMap\n"}

	out := withPackageConditions(pkg, reviewed)
	kf, err := kptfile.Read(out[cad.KptfileName])
	if err != nil {
		t.Fatal(err)
	}
	if got := kptfile.PackageConditions(kf); len(got) != 1 || got[0] != reviewed[0] {
		t.Errorf("Kptfile conditions = %+v, want %+v", got, reviewed)
	}
	if len(kptfile.ReadinessGates(kf)) != 1 || out["cm.yaml"] != pkg["cm.yaml"] || strings.Contains(pkg[cad.KptfileName], "Reviewed") {
		t.Error("the gate was lost, another file changed, or the input was modified")
	}
	if again := withPackageConditions(out, reviewed); again[cad.KptfileName] != out[cad.KptfileName] {
		t.Error("conditions already recorded must change nothing")
	}

	// A condition changed replaces what the Kptfile held, one the API
	// cannot hold among those in the file counts as a difference.
	pending := []porchv1alpha1.PackageCondition{{Type: "example.com/reviewed", Status: "False"}}
	kf, _ = kptfile.Read(withPackageConditions(out, pending)[cad.KptfileName])
	if got := kptfile.PackageConditions(kf); len(got) != 1 || got[0] != pending[0] {
		t.Errorf("Kptfile conditions = %+v, want %+v", got, pending)
	}
	odd := cad.Package{cad.KptfileName: kptfileWith("status:\n  conditions:\n  - type: example.com/reviewed\n    status: \"True\"\n    reason: Reviewed\n    message: by ops\n  - type: \"\"\n    status: \"True\"\n")}
	kf, _ = kptfile.Read(withPackageConditions(odd, reviewed)[cad.KptfileName])
	if kf.Status == nil || len(kf.Status.Conditions) != 1 {
		t.Errorf("want the Kptfile to hold exactly the revision's conditions, got %+v", kf.Status)
	}

	// No conditions, or a Kptfile that does not parse, leave the files alone.
	if same := withPackageConditions(out, nil); same[cad.KptfileName] != out[cad.KptfileName] {
		t.Error("no conditions must leave the Kptfile's as they are")
	}
	broken := cad.Package{cad.KptfileName: "metadata: [broken"}
	if same := withPackageConditions(broken, reviewed); same[cad.KptfileName] != broken[cad.KptfileName] {
		t.Error("a Kptfile that does not parse must be left for the render to report")
	}
}
