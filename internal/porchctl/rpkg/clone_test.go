package rpkg

import "testing"

func TestSplitGitAddress(t *testing.T) {
	for _, tc := range []struct {
		in, repo, dir, ref string
		ok                 bool
	}{
		{"https://example.com/org/blueprints.git", "https://example.com/org/blueprints.git", "", "", true},
		{"https://example.com/org/blueprints.git/basens@v1", "https://example.com/org/blueprints.git", "/basens", "v1", true},
		{"https://example.com/org/blueprints.git/a/b/", "https://example.com/org/blueprints.git", "/a/b", "", true},
		{"https://example.com/org/blueprints.git@main", "https://example.com/org/blueprints.git", "", "main", true},
		{"https://example.com/x.github.io/repo.git/pkg", "https://example.com/x.github.io/repo.git", "/pkg", "", true},
		{"https://example.com/org/blueprints", "", "", "", false},
	} {
		repo, dir, ref, ok := splitGitAddress(tc.in)
		if repo != tc.repo || dir != tc.dir || ref != tc.ref || ok != tc.ok {
			t.Errorf("splitGitAddress(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tc.in, repo, dir, ref, ok, tc.repo, tc.dir, tc.ref, tc.ok)
		}
	}
}

func TestCloneTask(t *testing.T) {
	f := &cloneFlags{strategy: "copy-merge"}
	task, err := f.task("https://example.com/org/blueprints.git/basens@v1")
	if err != nil {
		t.Fatal(err)
	}
	g := task.Clone.Upstream.Git
	if g.Repo != "https://example.com/org/blueprints.git" || g.Directory != "/basens" || g.Ref != "v1" || task.Clone.Strategy != "copy-merge" {
		t.Fatalf("task = %+v %+v", task.Clone, g)
	}
	f = &cloneFlags{strategy: "resource-merge", directory: "/other"}
	if _, err := f.task("https://example.com/org/blueprints.git/basens@v1"); err == nil {
		t.Fatal("a --directory contradicting the address was accepted")
	}
	if _, err := (&cloneFlags{strategy: "sideways"}).task("blueprints.basens.v1"); err == nil {
		t.Fatal("an unknown strategy was accepted")
	}
	task, err = (&cloneFlags{strategy: "resource-merge"}).task("blueprints.basens.v1")
	if err != nil || task.Clone.Upstream.UpstreamRef.Name != "blueprints.basens.v1" {
		t.Fatalf("task = %+v, %v", task.Clone, err)
	}
}
