package variantset

import (
	"strings"
	"testing"
)

func TestPackageVariantName(t *testing.T) {
	long := strings.Repeat("p", 40)
	tests := []struct {
		name           string
		set, repo, pkg string
		want           string
	}{
		{name: "short", set: "web", repo: "edge", pkg: "app", want: "web-edge-app"},
		{name: "nested package", set: "web", repo: "edge", pkg: "apps/front/web", want: "web-edge-apps-front-web"},
		{name: "exactly the limit", set: "s", repo: "r", pkg: strings.Repeat("p", 59), want: "s-r-" + strings.Repeat("p", 59)},
		{name: "cut with a hash", set: "frontend-set", repo: "edge-cluster-1", pkg: "apps/" + long,
			want: "frontend-set-edge-cluster-1-apps-ppppppppppppppppppppp-ae14e4a3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PackageVariantName(tt.set, tt.repo, tt.pkg)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if len(got) > maxNameLength {
				t.Errorf("%q is %d characters, over %d", got, len(got), maxNameLength)
			}
		})
	}
}

// TestPackageVariantNameCutKeepsNamesApart: names that share their first
// 54 characters must still differ once cut.
func TestPackageVariantNameCutKeepsNamesApart(t *testing.T) {
	base := strings.Repeat("p", 60)
	a := PackageVariantName("set", "repo", base+"a")
	b := PackageVariantName("set", "repo", base+"b")
	if a == b {
		t.Errorf("both cut to %q", a)
	}
	if len(a) != maxNameLength || len(b) != maxNameLength {
		t.Errorf("cut names %q and %q are not %d characters", a, b, maxNameLength)
	}
}
