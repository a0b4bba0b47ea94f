package render

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/porch-dev/porch/internal/cad"
)

// inputRecorder is fakeRunner that also records the names of the
// resources each call was given, in order.
type inputRecorder struct {
	fakeRunner
	inputs [][]string
}

func (r *inputRecorder) Run(ctx context.Context, fn cad.Function, rl []byte) ([]byte, []byte, error) {
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(rl)}).Read()
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, n := range nodes {
		names = append(names, n.GetName())
	}
	r.inputs = append(r.inputs, names)
	return r.fakeRunner.Run(ctx, fn, rl)
}

func treeWithFunctions(rootMetadata string) cad.Package {
	return cad.Package{
		"Kptfile":          kptfileText("root", rootMetadata, "\n  mutators:\n  - exec: root-fn\n"),
		"cm.yaml":          configMapYAML("root-cm", "a: b", false),
		"sub/Kptfile":      kptfileText("sub", "", "\n  mutators:\n  - exec: sub-fn\n"),
		"sub/cm.yaml":      configMapYAML("sub-cm", "a: b", false),
		"sub/deep/Kptfile": kptfileText("deep", "", "\n  mutators:\n  - exec: deep-fn\n"),
		"sub/deep/cm.yaml": configMapYAML("deep-cm", "a: b", false),
	}
}

// With kpt.dev/bfs-rendering the root's pipeline runs first, over its own
// resources then its descendants', so a parent's function sets values in
// a subpackage's resources that the subpackage's pipeline then sees; by
// default kpt's depth-first post-order runs the subpackages first.
func TestBreadthFirstRendering(t *testing.T) {
	for _, tc := range []struct {
		name     string
		metadata string
		calls    []string
		inputs   [][]string
		subCMBy  string
		rootCMBy string
		deepCMBy string
	}{
		{
			name: "breadth first", metadata: "  annotations:\n    kpt.dev/bfs-rendering: \"true\"\n",
			calls: []string{"root-fn", "sub-fn", "deep-fn"},
			inputs: [][]string{
				{"root", "root-cm", "sub", "sub-cm", "deep", "deep-cm"},
				{"sub", "sub-cm", "deep", "deep-cm"},
				{"deep", "deep-cm"},
			},
			rootCMBy: "root-fn", subCMBy: "sub-fn", deepCMBy: "deep-fn",
		},
		{
			name: "depth first", metadata: "",
			calls: []string{"deep-fn", "sub-fn", "root-fn"},
			inputs: [][]string{
				{"deep", "deep-cm"},
				{"deep", "deep-cm", "sub", "sub-cm"},
				{"deep", "deep-cm", "sub", "sub-cm", "root", "root-cm"},
			},
			rootCMBy: "root-fn", subCMBy: "root-fn", deepCMBy: "root-fn",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runner := &inputRecorder{}
			out, _, err := Render(context.Background(), treeWithFunctions(tc.metadata), runner, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(runner.calls, tc.calls) {
				t.Errorf("functions ran as %q, want %q", runner.calls, tc.calls)
			}
			for i, want := range tc.inputs {
				if i >= len(runner.inputs) || !slices.Equal(runner.inputs[i], want) {
					t.Errorf("call %d was given %q, want %q", i, runner.inputs, want)
					break
				}
			}
			for file, by := range map[string]string{"cm.yaml": tc.rootCMBy, "sub/cm.yaml": tc.subCMBy, "sub/deep/cm.yaml": tc.deepCMBy} {
				if !strings.Contains(out[file], "by: '"+by+"'") {
					t.Errorf("%s was not last labelled by %s:\n%s", file, by, out[file])
				}
			}
		})
	}
}
