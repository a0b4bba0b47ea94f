package render

import (
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

// Edge cases of reading and writing files, each checked against kpt.

func TestGoldenUnusualFiles(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile": kptfile("root", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      a: b
`),
		"comment.yaml": "# only a comment\n",
		"empty.yaml":   "",
		"lead.yaml":    "---\n" + configMapYAML("lead", "k: v", false) + "---\n",
		".hidden.yaml": configMapYAML("hidden", "k: v", false),
		"list.yml":     "apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems:\n- a\n- b\n",
		"sub/Kptfile": kptfile("sub", "", `
  mutators:
  - exec: $FN/setnamespace
    configPath: cfg/ns.yaml
`),
		"sub/cfg/ns.yaml": configMapYAML("ns", "namespace: from-file", true),
		"sub/x.yaml":      configMapYAML("x", "k: v", false),
	})
}

func TestGoldenNonKRMResourceFails(t *testing.T) {
	pkg := cad.Package{
		"Kptfile":  kptfile("root", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configMap:\n      a: b\n"),
		"ok.yaml":  configMapYAML("ok", "k: v", false),
		"bad.yaml": "foo: bar\n",
	}
	got, res, err := goldenCase(t, pkg)
	if err == nil || len(res.Items) != 0 {
		t.Fatalf("err=%v items=%d", err, len(res.Items))
	}
	comparePackages(t, got, withFunctions(t, pkg))
}

func TestGoldenNonKRMResourceFailsWithoutPipeline(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile":  kptfile("root", "", ""),
		"bad.yaml": "apiVersion: v1\nkind: ConfigMap\n",
	})
}
