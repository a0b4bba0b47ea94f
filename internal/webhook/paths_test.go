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
		{strings.Repeat("x", 255), ""},
		{"a/" + strings.Repeat("x", 255) + "/b", ""},
		{strings.Repeat("x", 256), "at most 255 bytes long; one here is 256"},
		{"a/" + strings.Repeat("é", 128) + "/b", "at most 255 bytes long; one here is 256"},
		{strings.Repeat("abcdefg/", 512)[:4095] + "z", ""},
		{strings.Repeat("abcdefg/", 512) + "z", "at most 4096 bytes long, not 4097"},
	}
	for _, tt := range tests {
		got := pathProblem(tt.path)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("pathProblem(%q) = %q, want ...%s...", shortened(tt.path), got, tt.want)
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

func TestValidatePathsNamesALongKeyInFullAndShowsItShort(t *testing.T) {
	long := "deploy/" + strings.Repeat("x", 256) + ".yaml"
	errs := validatePaths(map[string]string{long: ""})
	if len(errs) != 1 {
		t.Fatalf("got %v, want one error", errs)
	}
	if errs[0].Field != "spec.resources["+long+"]" {
		t.Errorf("the error names %s, want the key in full", errs[0].Field)
	}
	if v, _ := errs[0].BadValue.(string); len(v) > 70 {
		t.Errorf("the refused value is shown whole (%d bytes)", len(v))
	}
}
