package webhook

import "testing"

func TestNormalizeAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://host/repo.git", "http://host/repo"},
		{"  http://host/repo.git/  ", "http://host/repo"},
		{"http://host/repo/", "http://host/repo"},
		{"HTTPS://Example.COM/Org/Repo.git", "https://example.com/Org/Repo"},
		{"https://user:s3cret@example.com/org/repo.git", "https://example.com/org/repo"},
		{"https://user:p@ss@example.com/org/repo", "https://example.com/org/repo"},
		{"http://127.0.0.1:8080/x.git", "http://127.0.0.1:8080/x"},
		{"ssh://git@Example.com/org/x.git", "ssh://example.com/org/x"},
		{"file:///srv/x.git", "file:///srv/x"},
		{"git@GitHub.com:Org/x.git", "github.com:Org/x"},
		{"Registry.Example.com/Packages/", "registry.example.com/Packages"},
		{"127.0.0.1:5000/packages", "127.0.0.1:5000/packages"},
		{"user:pw@registry.example.com/p", "registry.example.com/p"},
		{"registry.example.com", "registry.example.com"},
	}
	for _, tt := range tests {
		if got := normalizeAddress(tt.in); got != tt.want {
			t.Errorf("normalizeAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeDir(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"/", ""},
		{"//", ""},
		{".", ""},
		{"a", "a"},
		{"/a/", "a"},
		{"a/b/", "a/b"},
		{"a//b", "a/b"},
		{"./a/./b", "a/b"},
	}
	for _, tt := range tests {
		if got := normalizeDir(tt.in); got != tt.want {
			t.Errorf("normalizeDir(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDirsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"", "a", true},
		{"a/b", "", true},
		{"a", "a", true},
		{"a", "a/b", true},
		{"a/b/c", "a", true},
		{"a", "ab", false},
		{"ab", "a", false},
		{"a/b", "a/c", false},
		{"a/b", "a/bc", false},
	}
	for _, tt := range tests {
		if got := dirsOverlap(tt.a, tt.b); got != tt.want {
			t.Errorf("dirsOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
