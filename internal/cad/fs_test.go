package cad

import (
	"reflect"
	"strings"
	"testing"
)

func TestFileSystemRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		pkg     Package
		wantErr string
	}{
		{name: "nested files", pkg: Package{"Kptfile": "k", "a/b/c.yaml": "x: 1\n", "README.md": ""}},
		{name: "empty", pkg: Package{}},
		{name: "escaping path", pkg: Package{"../x": "y"}, wantErr: `"../x" must be relative`},
		{name: "absolute path", pkg: Package{"/etc/x": "y"}, wantErr: `"/etc/x" must be relative`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys, root, err := tc.pkg.FileSystem()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromFileSystem(fsys, root)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.pkg) {
				t.Fatalf("want %v, got %v", tc.pkg, got)
			}
		})
	}
}

func TestPathsSorted(t *testing.T) {
	got := Package{"b": "", "a/z": "", "a": ""}.Paths()
	if want := []string{"a", "a/z", "b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("want %v, got %v", want, got)
	}
}
