package upgrade

import (
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

// kpt's CLI has no copy-merge, so these cases are checked by hand.
func TestCopyMerge(t *testing.T) {
	v2 := apply(t, v1, []change{{"deploy.yaml", "nginx:1.0", "nginx:2.0"}, {"old.yaml", "", ""},
		{"Kptfile", "description: upstream", "description: v2"}})
	local := apply(t, cloneV1(t), []change{{"cm.yaml", `a: "1"`, `a: "11"`}, {"mine.yaml", "", mineYAML},
		{"sub/Kptfile", "a subpackage", "my subpackage"}})
	got, err := Upgrade(v1, v2, local, CopyMerge)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, want string
	}{
		{file: "deploy.yaml", want: "image: nginx:2.0"},
		{file: "cm.yaml", want: `a: "1"`},
		{file: "mine.yaml", want: "name: mine"},
		{file: "old.yaml", want: "name: old"},
		{file: "Kptfile", want: "description: v2"},
		{file: "Kptfile", want: "name: out"},
		{file: "Kptfile", want: "ref: v1"},
		{file: "sub/Kptfile", want: "description: my subpackage"},
	}
	for _, tc := range tests {
		if !strings.Contains(got[tc.file], tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.file, tc.want, got[tc.file])
		}
	}
}

// Upgrade alone keeps the local upstream bookkeeping when the new upstream's
// Kptfile has none, and takes it when it has.
func TestUpgradeUpstreamBookkeeping(t *testing.T) {
	v2 := apply(t, v1, []change{{"deploy.yaml", "nginx:1.0", "nginx:2.0"}})
	tests := []struct {
		name    string
		upgrade func(local cad.Package) (cad.Package, error)
		want    []string
	}{
		{name: "no upstream in the new version", upgrade: func(l cad.Package) (cad.Package, error) { return Upgrade(v1, v2, l, "") },
			want: []string{"ref: v1", "commit: c1", "updateStrategy: resource-merge"}},
		{name: "lock given", upgrade: func(l cad.Package) (cad.Package, error) {
			return UpgradeTo(v1, v2, l, ForceDeleteReplace, cad.GitLock{Repo: "https://example.com/r", Directory: "pkg", Ref: "v2", Commit: "c2"})
		}, want: []string{"ref: v2", "commit: c2", "updateStrategy: force-delete-replace", "name: out"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.upgrade(cloneV1(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[cad.KptfileName], w) {
					t.Errorf("want %q in Kptfile:\n%s", w, got[cad.KptfileName])
				}
			}
			if !strings.Contains(got["deploy.yaml"], "nginx:2.0") {
				t.Errorf("upstream change missing:\n%s", got["deploy.yaml"])
			}
		})
	}
}

// When both sides change the same field, kpt's resource-merge (kyaml's merge3)
// takes the upstream value; other local changes stay. The golden test checks
// the same against kpt; this one runs without it.
func TestResourceMergeConflictTakesUpstream(t *testing.T) {
	v2 := apply(t, v1, []change{{"deploy.yaml", "replicas: 1", "replicas: 2"}})
	local := apply(t, cloneV1(t), []change{{"deploy.yaml", "replicas: 1", "replicas: 5"}, {"deploy.yaml", "port: 80", "port: 8080"}})
	got, err := Upgrade(v1, v2, local, ResourceMerge)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"replicas: 2", "port: 8080", "# kpt-merge: ns1/web"} {
		if !strings.Contains(got["deploy.yaml"], w) {
			t.Errorf("want %q in\n%s", w, got["deploy.yaml"])
		}
	}
}
