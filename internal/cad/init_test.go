package cad

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/cad/cadtest"
)

func TestInitMatchesKpt(t *testing.T) {
	cadtest.NeedOracle(t)
	existing := Package{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: root\n", "cm.yaml": "a: b\n"}
	tests := []struct {
		name    string
		opts    InitOptions
		kptArgs []string
	}{
		{name: "all flags", opts: InitOptions{Name: "mypkg", Description: "my desc", Keywords: []string{"a", "b"}, Site: "https://example.com"},
			kptArgs: []string{"mypkg", "--description", "my desc", "--keywords", "a,b", "--site", "https://example.com"}},
		{name: "defaults", opts: InitOptions{Name: "bare"}, kptArgs: []string{"bare"}},
		{name: "subpackage", opts: InitOptions{Subpackage: "bare/sub", Existing: existing}, kptArgs: []string{"bare/sub"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.opts.Existing != nil {
				cadtest.WritePackage(t, filepath.Join(dir, "bare"), tc.opts.Existing)
			}
			if err := os.MkdirAll(filepath.Join(dir, tc.kptArgs[0]), 0o755); err != nil {
				t.Fatal(err)
			}
			cadtest.Run(t, dir, "kpt", append([]string{"pkg", "init"}, tc.kptArgs...)...)
			want := cadtest.ReadPackage(t, filepath.Join(dir, strings.Split(tc.kptArgs[0], "/")[0]))

			got, err := Init(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tc.opts.Subpackage != "" {
				// kpt ran on the parent folder: compare from there.
				got = trimPrefix(got, "bare/")
			}
			cadtest.AssertSamePackage(t, want, got)
		})
	}
}

func trimPrefix(p Package, prefix string) Package {
	out := Package{}
	for k, v := range p {
		out[strings.TrimPrefix(k, prefix)] = v
	}
	return out
}

func TestInitErrors(t *testing.T) {
	tests := []struct {
		name string
		opts InitOptions
		want string
	}{
		{name: "no name", opts: InitOptions{}, want: "name is required"},
		{name: "escaping path", opts: InitOptions{Subpackage: "../x"}, want: "inside the package"},
		{name: "already a package", opts: InitOptions{Subpackage: "sub", Existing: Package{"sub/Kptfile": "x"}}, want: "sub/Kptfile already exists"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Init(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func TestInitKeepsExisting(t *testing.T) {
	existing := Package{"Kptfile": "root", "sub/README.md": "mine"}
	got, err := Init(InitOptions{Subpackage: "sub", Existing: existing})
	if err != nil {
		t.Fatal(err)
	}
	if got["sub/README.md"] != "mine" || got["Kptfile"] != "root" || existing["sub/Kptfile"] != "" {
		t.Fatalf("existing files changed or input mutated: %v", got)
	}
}
