package render

import (
	"context"
	"slices"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

// A short image (no registry or path) is asked of the runner under the
// default prefix; the results name it as the Kptfile writes it.
func TestShortImagesResolveUnderTheDefaultPrefix(t *testing.T) {
	pkg := cad.Package{
		"Kptfile": kptfileText("root", "", "\n  mutators:\n  - image: set-labels:v0.2.0\n  - image: example.com/fns/other:v1\n"),
		"cm.yaml": configMapYAML("cm", "a: b", false),
	}
	for _, tc := range []struct {
		prefix string
		asked  []string
	}{
		{"ghcr.io/kptdev/krm-functions-catalog/", []string{"ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0", "example.com/fns/other:v1"}},
		{"", []string{"set-labels:v0.2.0", "example.com/fns/other:v1"}},
	} {
		runner := &fakeRunner{}
		_, result, err := Render(context.Background(), pkg, runner, Options{DefaultImagePrefix: tc.prefix})
		if err != nil {
			t.Fatalf("prefix %q: %v", tc.prefix, err)
		}
		if !slices.Equal(runner.calls, tc.asked) {
			t.Errorf("prefix %q: the runner was asked for %q, want %q", tc.prefix, runner.calls, tc.asked)
		}
		var recorded []string
		for _, r := range result.Items {
			recorded = append(recorded, r.Image)
		}
		if want := []string{"set-labels:v0.2.0", "example.com/fns/other:v1"}; !slices.Equal(recorded, want) {
			t.Errorf("prefix %q: results name %q, want %q as written", tc.prefix, recorded, want)
		}
	}
}
