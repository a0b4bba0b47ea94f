package v1alpha1

import "testing"

func TestOciLockRepositoryAndTag(t *testing.T) {
	const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct{ image, repo, tag string }{
		{"registry.example.com/blueprints/web:v1" + digest, "registry.example.com/blueprints/web", "v1"},
		{"registry.example.com/blueprints/web" + digest, "registry.example.com/blueprints/web", ""},
		{"127.0.0.1:5000/web:main", "127.0.0.1:5000/web", "main"},
		{"127.0.0.1:5000/web" + digest, "127.0.0.1:5000/web", ""},
		{"127.0.0.1:5000/web", "127.0.0.1:5000/web", ""},
	}
	for _, tc := range tests {
		repo, tag := (&OciLock{Image: tc.image}).RepositoryAndTag()
		if repo != tc.repo || tag != tc.tag {
			t.Errorf("%s: got %q %q, want %q %q", tc.image, repo, tag, tc.repo, tc.tag)
		}
	}
}
