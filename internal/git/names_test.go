package git

import (
	"strings"
	"testing"
)

func TestNormaliseWorkspace(t *testing.T) {
	valid := map[string]string{
		"ws1":                   "ws1",
		"My_WS":                 "my-ws",
		"feature/x":             "feature-x",
		"v2.0.0":                "v2.0.0",
		"main":                  "main",
		strings.Repeat("a", 63): strings.Repeat("a", 63),
	}
	for in, want := range valid {
		if got, err := normaliseWorkspace(in); err != nil || got != want {
			t.Errorf("normaliseWorkspace(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-x", "x-", "a..b", ".a", "a.lock", strings.Repeat("a", 64), "_"} {
		if got, err := normaliseWorkspace(in); err == nil {
			t.Errorf("normaliseWorkspace(%q) = %q; want an error", in, got)
		}
	}
}

func TestCheckPackagePath(t *testing.T) {
	for _, ok := range []string{"a", "nested/b", "a-1/b-2/c", strings.Repeat("a/", 99) + "a"} {
		if err := checkPackagePath(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Bad_Pkg", "a//b", "a/", "a.b", "-a", "a/B", strings.Repeat("a/", 100) + "a"} {
		if checkPackagePath(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRelativeTo(t *testing.T) {
	tests := []struct {
		dir, path, rel string
		under          bool
	}{
		{"", "a/b", "a/b", true},
		{"bp", "bp/x", "x", true},
		{"bp", "bp", "", true},
		{"bp", "bpx/y", "", false},
		{"a/b", "a/b/c/d", "c/d", true},
		{"a/b", "a/c", "", false},
	}
	for _, tt := range tests {
		rel, under := relativeTo(tt.dir, tt.path)
		if rel != tt.rel || under != tt.under {
			t.Errorf("relativeTo(%q, %q) = %q, %v", tt.dir, tt.path, rel, under)
		}
	}
	for in, want := range map[string]string{"": "", "/": "", "/a/b/": "a/b", "bp": "bp"} {
		if got := normaliseDirectory(in); got != want {
			t.Errorf("normaliseDirectory(%q) = %q", in, got)
		}
	}
}

func TestParseVersion(t *testing.T) {
	good := map[string]int{"v1": 1, "v10": 10, "v123": 123}
	for in, want := range good {
		if n, ok := parseVersion(in); !ok || n != want {
			t.Errorf("parseVersion(%q) = %d, %v", in, n, ok)
		}
	}
	for _, bad := range []string{"v0", "v01", "v", "1", "v2.0.0", "V1", "v-1", "v99999999999999999999"} {
		if n, ok := parseVersion(bad); ok {
			t.Errorf("parseVersion(%q) = %d; want not a version", bad, n)
		}
	}
}
