package render

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestMergeWithInputKeepsPlaces(t *testing.T) {
	var input []*yaml.RNode
	for _, name := range []string{"a", "b", "c", "d"} {
		input = append(input, yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "+name+"\n"))
	}
	if err := tagResources(input); err != nil {
		t.Fatal(err)
	}
	selected := []*yaml.RNode{input[0], input[1]}
	// The function changed a, dropped b and created e.
	changedA := input[0].Copy()
	changedA.SetLabels(map[string]string{"changed": "yes"})
	created := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e\n")
	got, err := mergeWithInput([]*yaml.RNode{created, changedA}, selected, input)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range got {
		names = append(names, n.GetName())
		if _, ok := n.GetAnnotations()[resourceIDAnnotation]; ok {
			t.Errorf("%s keeps its mark", n.GetName())
		}
	}
	if want := []string{"a", "c", "d", "e"}; !reflect.DeepEqual(names, want) {
		t.Errorf("names = %v, want %v", names, want)
	}
	if got[0].GetLabels()["changed"] != "yes" {
		t.Error("a was not replaced by the function's output")
	}
}

func TestSaveOnFailureWithSelectorsLeavesNoMarks(t *testing.T) {
	pkg := pipelinePkg()
	pkg["Kptfile"] = kptfileText("root", "  annotations:\n    kpt.dev/save-on-render-failure: \"true\"\n",
		"\n  mutators:\n  - exec: one\n  - exec: fail-two\n    selectors:\n    - kind: ConfigMap\n")
	got, _, err := Render(context.Background(), pkg, &fakeRunner{}, Options{})
	if err == nil {
		t.Fatal("want an error")
	}
	for name, content := range got {
		if strings.Contains(content, resourceIDAnnotation) {
			t.Errorf("%s keeps a mark:\n%s", name, content)
		}
	}
}
