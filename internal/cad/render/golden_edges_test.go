package render

import (
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

// Edge cases of reading and writing files, each checked against kpt.

func TestGoldenUnusualFiles(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile": kptfileText("root", "", `
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
		"sub/Kptfile": kptfileText("sub", "", `
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
		"Kptfile":  kptfileText("root", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configMap:\n      a: b\n"),
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
		"Kptfile":  kptfileText("root", "", ""),
		"bad.yaml": "apiVersion: v1\nkind: ConfigMap\n",
	})
}

func TestGoldenMalformedYAMLFails(t *testing.T) {
	_, _, err := goldenCase(t, cad.Package{
		"Kptfile":    kptfileText("root", "", ""),
		"d/bad.yaml": "a: [\n",
	})
	if err == nil || !strings.Contains(err.Error(), "d/bad.yaml") {
		t.Fatalf("error %v does not name d/bad.yaml", err)
	}
}

func TestGoldenSubpackageFailureStopsParent(t *testing.T) {
	pkg := cad.Package{
		"Kptfile": kptfileText("root", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configMap:\n      root: \"yes\"\n"),
		"a.yaml":  configMapYAML("a", "k: v", false),
		"sub/Kptfile": kptfileText("sub", "", `
  mutators:
  - exec: $FN/setlabels
    configMap:
      sub: "yes"
  validators:
  - exec: $FN/denyannotation
    configMap:
      annotation: forbidden
`),
		"sub/b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    forbidden: x\n",
	}
	got, _, err := goldenCase(t, pkg)
	if err == nil {
		t.Fatal("want an error")
	}
	comparePackages(t, got, withFunctions(t, pkg))
}

func TestGoldenMissingFunctionConfigFails(t *testing.T) {
	_, _, err := goldenCase(t, cad.Package{
		"Kptfile":     kptfileText("root", "", ""),
		"sub/Kptfile": kptfileText("sub", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configPath: nope.yaml\n"),
	})
	if err == nil || !strings.Contains(err.Error(), `missing function config "sub/nope.yaml"`) {
		t.Fatalf("error %v does not name sub/nope.yaml", err)
	}
}

func TestGoldenInvalidRootKptfileStopsBeforeSubpackages(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile":     kptfileText("root", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configPath: nope.yaml\n"),
		"sub/Kptfile": kptfileText("sub", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configMap:\n      a: b\n"),
		"sub/a.yaml":  configMapYAML("a", "k: v", false),
	})
}

func TestGoldenFunctionMovesResources(t *testing.T) {
	goldenCase(t, cad.Package{
		"Kptfile":     kptfileText("root", "", "\n  mutators:\n  - exec: $FN/movefile\n  - exec: $FN/setlabels\n    configMap:\n      after: move\n"),
		"x.yaml":      configMapYAML("x", "k: v", false) + "---\n" + deployment("d", nil),
		"sub/Kptfile": kptfileText("sub", "", ""),
		"sub/y.yaml":  configMapYAML("y", "k: v", false),
	})
}

func TestGoldenKptfileUnknownFieldFails(t *testing.T) {
	_, _, err := goldenCase(t, cad.Package{
		"Kptfile": kptfileText("root", "", "\n  mutatorz:\n  - exec: $FN/setlabels\n"),
	})
	if err == nil || !strings.Contains(err.Error(), "mutatorz") {
		t.Fatalf("error %v does not name the unknown field", err)
	}
}

func TestGoldenKptfileOldSchemaFails(t *testing.T) {
	_, _, err := goldenCase(t, cad.Package{
		"Kptfile":     kptfileText("root", "", ""),
		"sub/Kptfile": "apiVersion: kpt.dev/v1alpha1\nkind: Kptfile\nmetadata:\n  name: s\n",
	})
	if err == nil || !strings.Contains(err.Error(), `"v1alpha1"`) && !strings.Contains(err.Error(), "kpt.dev/v1alpha1") {
		t.Fatalf("error %v does not name the old version", err)
	}
}

func TestGoldenMissingExecutableFails(t *testing.T) {
	pkg := cad.Package{
		"Kptfile": kptfileText("root", "", "\n  mutators:\n  - exec: $FN/setlabels\n    configMap:\n      a: b\n  - exec: $FN/no-such-function\n"),
		"a.yaml":  configMapYAML("a", "k: v", false),
	}
	got, _, err := goldenCase(t, pkg)
	if err == nil {
		t.Fatal("want an error")
	}
	comparePackages(t, got, withFunctions(t, pkg))
}

func TestGoldenFunctionInputOrderAndPaths(t *testing.T) {
	pkg := cad.Package{
		"Kptfile":           kptfileText("root", "", "\n  mutators:\n  - exec: $FN/order\n"),
		"sub/Kptfile":       kptfileText("sub", "", ""),
		"sub2/Kptfile":      kptfileText("sub2", "", ""),
		"sub2/deep/Kptfile": kptfileText("deep", "", "\n  mutators:\n  - exec: $FN/order\n"),
	}
	for _, f := range []string{"a.yaml", "z.yaml", "sub/y.yaml", "sub/b.yaml", "sub2/c.yaml", "sub2/deep/d.yaml", "plain/p.yaml"} {
		pkg[f] = configMapYAML(strings.NewReplacer("/", "-", ".", "-").Replace(f), "k: v", false)
	}
	goldenCase(t, pkg)
}
