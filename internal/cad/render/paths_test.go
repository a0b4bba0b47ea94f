package render

import (
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/porch-dev/porch/internal/cad"
)

// echoRunner returns its input and remembers it.
type echoRunner struct{ inputs []string }

func (e *echoRunner) Run(_ context.Context, _ cad.Function, rl []byte) ([]byte, []byte, error) {
	e.inputs = append(e.inputs, string(rl))
	return rl, nil, nil
}

func TestFunctionsSeePathsRelativeToTheirPackage(t *testing.T) {
	t.Run("in memory", func(t *testing.T) { checkPackagePaths(t, "", "/") })
	t.Run("in a folder", func(t *testing.T) { checkPackagePaths(t, "/work/pkg", "/work/pkg/") })
}

func checkPackagePaths(t *testing.T, base, prefix string) {
	pkg := cad.Package{
		"Kptfile":         kptfileText("root", "", "\n  mutators:\n  - exec: echo\n"),
		"a.yaml":          configMapYAML("a", "k: v", false),
		"sub/Kptfile":     kptfileText("sub", "", ""),
		"sub/deep/b.yaml": configMapYAML("b", "k: v", false),
	}
	runner := &echoRunner{}
	got, _, err := Render(context.Background(), pkg, runner, Options{Path: base})
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(runner.inputs[0]), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, n := range nodes {
		a := n.GetAnnotations()
		seen[n.GetName()] = a[packagePathAnnotation] + " " + a["internal.config.kubernetes.io/path"] + " " + a["config.kubernetes.io/path"]
	}
	root := strings.TrimSuffix(prefix, "/")
	if root == "" {
		root = "/"
	}
	want := map[string]string{
		"root": root + " Kptfile Kptfile", "a": root + " a.yaml a.yaml",
		"sub": prefix + "sub Kptfile Kptfile", "b": prefix + "sub deep/b.yaml deep/b.yaml",
	}
	for name, w := range want {
		if seen[name] != w {
			t.Errorf("%s: package, path, legacy path = %q, want %q", name, seen[name], w)
		}
	}
	for name, content := range got {
		if strings.Contains(content, "config.kubernetes.io") {
			t.Errorf("%s keeps internal annotations:\n%s", name, content)
		}
	}
}

// configRunner records the functionConfig each function gets; the function
// named "label" labels every resource.
type configRunner struct{ configs []string }

func (c *configRunner) Run(_ context.Context, fn cad.Function, rl []byte) ([]byte, []byte, error) {
	reader := &kio.ByteReader{Reader: strings.NewReader(string(rl)), OmitReaderAnnotations: true}
	if _, err := reader.Read(); err != nil {
		return nil, nil, err
	}
	c.configs = append(c.configs, reader.FunctionConfig.MustString())
	if fn.Exec == "label" {
		return labelAll(rl, "seen", "yes")
	}
	return rl, nil, nil
}

func TestMutatorsGetTheCurrentConfigFile(t *testing.T) {
	pkg := cad.Package{
		"Kptfile": kptfileText("root", "", "\n  mutators:\n  - exec: label\n  - exec: read\n    configPath: cfg.yaml\n"+
			"  validators:\n  - exec: read\n    configPath: cfg.yaml\n"),
		"cfg.yaml": configMapYAML("cfg", "k: v", true),
	}
	runner := &configRunner{}
	if _, _, err := Render(context.Background(), pkg, runner, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(runner.configs) != 3 {
		t.Fatalf("configs = %q", runner.configs)
	}
	if !strings.Contains(runner.configs[1], "seen:") {
		t.Errorf("the mutator got the config as it was on disk:\n%s", runner.configs[1])
	}
	if strings.Contains(runner.configs[2], "seen:") {
		t.Errorf("the validator got the mutated config, kpt gives it the file:\n%s", runner.configs[2])
	}
}
