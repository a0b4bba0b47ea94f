package upgrade

import (
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad"
)

func cloneV1(t *testing.T) cad.Package {
	t.Helper()
	clone, err := cad.Clone(v1, cad.CloneOptions{Name: "out",
		Upstream: cad.GitLock{Repo: "https://example.com/r", Directory: "pkg", Ref: "v1", Commit: "c1"}})
	if err != nil {
		t.Fatal(err)
	}
	return clone
}

func TestUpgradeErrors(t *testing.T) {
	v2 := apply(t, v1, []change{{"deploy.yaml", "nginx:1.0", "nginx:2.0"}})
	tests := []struct {
		name     string
		old, new []change // on v1
		local    []change // on the clone of v1
		strategy Strategy
		want     []string
	}{
		{name: "fast-forward names the changed files", strategy: FastForward,
			local: []change{{"cm.yaml", `a: "1"`, `a: "11"`}, {"notes.txt", "", "x\n"}, {"mine.yaml", "", mineYAML}},
			want:  []string{"local package files have been modified: cm.yaml, mine.yaml, notes.txt"}},
		{name: "fast-forward sees a changed Kptfile", strategy: FastForward,
			local: []change{{"Kptfile", "description: upstream", "description: mine"}},
			want:  []string{"modified: Kptfile"}},
		{name: "local resource not YAML", local: []change{{"bad.yaml", "", "a: [\n"}},
			want: []string{"local", "bad.yaml"}},
		{name: "new upstream resource not YAML", new: []change{{"broken.yaml", "", "kind: [\n"}},
			want: []string{"new upstream", "broken.yaml"}},
		{name: "old upstream Kptfile invalid", old: []change{{"Kptfile", "", "apiVersion: kpt.dev/v1\nkind: Kptfile\nbogus: 1\n"}},
			want: []string{"Kptfile", "bogus"}},
		{name: "unknown strategy", strategy: "rebase", want: []string{`unknown upgrade strategy "rebase"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Upgrade(apply(t, v1, tc.old), apply(t, v2, tc.new), apply(t, cloneV1(t), tc.local), tc.strategy)
			if err == nil {
				t.Fatalf("want an error containing %q", tc.want)
			}
			t.Logf("error: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("want %q in error %q", w, err)
				}
			}
		})
	}
}
