package variant

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestIsResourceFile(t *testing.T) {
	for name, want := range map[string]bool{
		"a.yaml": true, "sub/b.yml": true, "Kptfile": false, "sub/Kptfile": false, "README.md": false, "a.yaml.bak": false,
	} {
		if got := isResourceFile(name); got != want {
			t.Errorf("isResourceFile(%q): want %v, got %v", name, want, got)
		}
	}
}

func TestSameData(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{a: "{b: 1, a: x}", b: "a: \"x\" # c\nb: 1\n", want: true},
		{a: "a: 1", b: "a: \"1\""},
		{a: "[a, b]", b: "- a\n- b\n", want: true},
		{a: "[a, b]", b: "[b, a]"},
	}
	for _, tc := range tests {
		if got := sameData(yaml.MustParse(tc.a).YNode(), yaml.MustParse(tc.b).YNode()); got != tc.want {
			t.Errorf("sameData(%q, %q): want %v, got %v", tc.a, tc.b, tc.want, got)
		}
	}
}

func TestClearField(t *testing.T) {
	tests := []struct {
		name, in string
		path     []string
		want     string
		removed  bool
	}{
		{name: "emptied sections go", in: "a:\n  b:\n    c: 1\nd: 2\n", path: []string{"a", "b", "c"}, want: "d: 2\n", removed: true},
		{name: "a section with more stays", in: "a:\n  b:\n    c: 1\n  e: 3\n", path: []string{"a", "b", "c"}, want: "a:\n  e: 3\n", removed: true},
		{name: "nothing there", in: "a: 1\n", path: []string{"b", "c"}, want: "a: 1\n"},
		{name: "not a mapping", in: "a: [1]\n", path: []string{"a", "b"}, want: "a: [1]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			node := yaml.MustParse(tc.in)
			removed, err := clearField(node, tc.path...)
			if err != nil {
				t.Fatal(err)
			}
			if got := node.MustString(); got != tc.want || removed != tc.removed {
				t.Fatalf("want %v and:\n%s\ngot %v and:\n%s", tc.removed, tc.want, removed, got)
			}
		})
	}
}
