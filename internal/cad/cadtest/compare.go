package cadtest

import (
	"maps"
	"sort"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// Normalise drops trailing whitespace on lines and at both ends of a file:
// kpt and the engine may differ there and nowhere else.
func Normalise(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// DiffFiles names, sorted, the files in which two packages differ once
// normalised, marking those missing from got or unexpected in it.
func DiffFiles(want, got map[string]string) []string {
	var diff []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			diff = append(diff, name+" (missing)")
		case Normalise(w) != Normalise(g):
			diff = append(diff, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diff = append(diff, name+" (unexpected)")
		}
	}
	sort.Strings(diff)
	return diff
}

// AssertSamePackage fails the test for every file in which two packages differ.
func AssertSamePackage(tb testing.TB, want, got map[string]string) {
	tb.Helper()
	for _, name := range DiffFiles(want, got) {
		file := strings.TrimSuffix(strings.TrimSuffix(name, " (missing)"), " (unexpected)")
		tb.Errorf("file %s differs\nwant:\n%s\ngot:\n%s", name, Normalise(want[file]), Normalise(got[file]))
	}
}

// rootKptfile is cad.KptfileName, which cad's own tests, users of this
// package, keep it from importing.
const rootKptfile = "Kptfile"

// WithoutRenderStatus is pkg with its root Kptfile as it was before the
// render recorded its outcome in it: what kpt releases before it wrote.
func WithoutRenderStatus(pkg map[string]string) map[string]string {
	content, ok := pkg[rootKptfile]
	if !ok {
		return pkg
	}
	stripped, err := kptfile.WithoutRenderStatus(content)
	if err != nil {
		return pkg // a Kptfile that does not parse is left as it is
	}
	out := maps.Clone(pkg)
	out[rootKptfile] = stripped
	return out
}
