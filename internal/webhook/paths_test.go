package webhook

import (
	"strings"
	"testing"
)

func TestPathProblem(t *testing.T) {
	tests := []struct{ path, want string }{
		{"Kptfile", ""},
		{"deploy/app.yaml", ""},
		{"a/b/c/d.yaml", ""},
		{".hidden", ""},
		{"a/.gitignore", ""},
		{"..data", ""},
		{"a..b/c", ""},
		{"", "must not be empty"},
		{"/abs", "relative to the package, not absolute"},
		{"/", "not absolute"},
		{"../etc/passwd", "must not have a .. segment"},
		{"a/../../b", "must not have a .. segment"},
		{"a/..", "must not have a .. segment"},
		{"a//b", "must not have an empty segment"},
		{"a/", "must not have an empty segment"},
		{"./a", "must not have a . segment"},
		{"a/./b", "must not have a . segment"},
		{".git/config", "must not have a .git segment"},
		{"a/.git/hooks/pre-commit", "must not have a .git segment"},
		{"a/.GIT/config", "must not have a .git segment"},
		{`a\b`, `not \`},
		{`..\x`, `not \`},
		{"a\x00b", "NUL"},
	}
	for _, tt := range tests {
		got := pathProblem(tt.path)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("pathProblem(%q) = %q, want ...%s...", tt.path, got, tt.want)
		}
	}
}

func TestValidatePathsNamesEachBadPathInOrder(t *testing.T) {
	errs := validatePaths(map[string]string{"Kptfile": "", "a//b": "", "../etc/passwd": "", "/abs": ""})
	expectErrors(t, errs,
		"spec.resources[../etc/passwd]: must not have a .. segment",
		"spec.resources[/abs]: not absolute",
		"spec.resources[a//b]: empty segment")
}
