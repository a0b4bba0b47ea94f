package kptfile

import (
	"strings"
	"testing"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
)

const commented = `# the package
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: old # keep me
info:
  description: d
pipeline:
  mutators:
  - image: set-labels:v1
`

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{name: "not yaml", content: "a: [\n", want: "Kptfile: invalid"},
		{name: "unknown field", content: "apiVersion: kpt.dev/v1\nkind: Kptfile\nbogus: 1\n", want: "field bogus not found"},
		{name: "wrong kind", content: "apiVersion: v1\nkind: ConfigMap\n", want: "Kptfile: want apiVersion"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.content)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}

func TestEditKeepsComments(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) (string, error)
		want []string
	}{
		{name: "name", edit: func(c string) (string, error) { return Edit(c, SetName("new")) },
			want: []string{"# the package", "name: new # keep me", "  - image: set-labels:v1"}},
		{name: "annotation", edit: func(c string) (string, error) { return Edit(c, SetAnnotation("a", "b")) },
			want: []string{"  annotations:\n    a: b"}},
		{name: "info replaced in place", edit: func(c string) (string, error) {
			return Edit(c, SetInfo(&kptfilev1.PackageInfo{Description: "new"}))
		}, want: []string{"info:\n  description: new\npipeline:"}},
		{name: "upstream appended", edit: func(c string) (string, error) {
			return Edit(c, SetUpstream(&Upstream{Type: kptfilev1.GitOrigin, Git: &kptfilev1.Git{Repo: "r", Directory: "/", Ref: "v1"}}),
				SetUpstreamLock(&Locator{Type: kptfilev1.GitOrigin, Git: &kptfilev1.GitLock{Repo: "r", Commit: "c"}}))
		}, want: []string{"upstream:\n  type: git\n  git:\n    repo: r\n    directory: /\n    ref: v1\nupstreamLock:\n  type: git\n  git:\n    repo: r\n    commit: c\n"}},
		{name: "info removed", edit: func(c string) (string, error) { return Edit(c, SetInfo(nil)) },
			want: []string{"metadata:\n  name: old # keep me\npipeline:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.edit(commented)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("want %q in:\n%s", w, got)
				}
			}
			if _, err := Read(got); err != nil {
				t.Errorf("edited Kptfile does not read back: %v", err)
			}
		})
	}
}

func TestUpdateRendersAsKpt(t *testing.T) {
	got, err := Update(commented, func(kf *File) { kf.Name = "x" })
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\ninfo:\n  description: d\npipeline:\n  mutators:\n    - image: set-labels:v1\n"
	if got != want {
		t.Fatalf("want:\n%s\ngot:\n%s", want, got)
	}
	if _, err := Edit("- a\n", SetName("x")); err == nil || !strings.Contains(err.Error(), "Kptfile") {
		t.Fatalf("want an error naming Kptfile for a list, got %v", err)
	}
}
