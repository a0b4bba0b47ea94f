package git

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

const (
	kptfileA = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: a
info:
  readinessGates:
  - conditionType: config.injection.ConfigMap.settings
  - conditionType: ""
upstreamLock:
  type: git
  git:
    repo: https://example.com/upstream.git
    directory: base
    ref: base/v4
    commit: 0123456789abcdef0123456789abcdef01234567
status:
  conditions:
  - type: config.injection.ConfigMap.settings
    status: "True"
    reason: ConfigInjected
  - type: written.by.hand
    status: Maybe
`
	kptfilePlain   = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\n"
	kptfileBroken  = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: [unclosed\n"
	malformedYAML  = "kind: ConfigMap\n\t- : [\n  bad: : yaml\n"
	cloneTask      = `{"type":"clone","clone":{"upstreamRef":{"type":"git","git":{"repo":"https://example.com/up.git","ref":"main","directory":"x"}}}}`
	upgradeTask    = `{"type":"upgrade","upgrade":{"oldUpstreamRef":{"name":"o"},"newUpstreamRef":{"name":"n"},"localPackageRevisionRef":{"name":"l"},"strategy":"resource-merge"}}`
	maxBytesInTest = 1000
)

// layoutRepo is a repository in upstream Porch's layout, and the labels of
// its commits for readable assertions.
type layoutRepo struct {
	f      *fixture
	labels map[string]string // commit hash -> label
	hashes map[string]plumbing.Hash
}

// buildLayoutRepo writes the repository the discovery tests read. Package
// "a" goes through upstream's full cycle: draft commits with task
// annotations, then an approval commit on main whose second parent is the
// draft, tagged a/v<N>.
func buildLayoutRepo(t *testing.T) *layoutRepo {
	f := newFixture(t)
	r := &layoutRepo{f: f, labels: map[string]string{}, hashes: map[string]plumbing.Hash{}}
	label := func(name string, h plumbing.Hash) plumbing.Hash {
		r.labels[h.String()] = name
		r.hashes[name] = h
		return h
	}
	readme := files("README.md", "# packages\n")
	a1 := merge(readme, files("a/Kptfile", kptfileA, "a/cm.yaml", "v: 1\n"))
	a2 := merge(readme, files("a/Kptfile", kptfileA, "a/cm.yaml", "v: 2\n"))
	a3 := merge(readme, files("a/Kptfile", kptfileA, "a/cm.yaml", "v: 3\n"))

	c0 := label("C0", f.commit(readme, "Initial commit\n"))
	d1 := label("D1", f.commit(a1, "Creating new empty revision\n\n"+
		kpt("a", "ws1", "0", `{"type":"init","init":{"description":"first"}}`)+"\n", c0))
	d1b := label("D1b", f.commit(a1, "Rendering package\n\n"+
		kpt("a", "ws1", "0", `{"type":"render","render":{"weird":[1,2]}}`)+"\n", d1))
	a1c := label("A1", f.commit(a1, "Approving package revision a/1\n\n"+kpt("a", "ws1", "1", "")+"\n", c0, d1b))
	e1 := label("E1", f.commit(a2, "Creating new revision by copying previous revision\n\n"+
		kpt("a", "ws2", "0", `{"type":"edit","edit":{"sourceRef":{"name":"repo.a.ws1"}}}`)+"\n", a1c))
	e2 := label("E2", f.commit(a2, "Applying patch to package\n\n"+
		kpt("a", "ws2", "0", `{"type":"patch","patch":{"patches":[{"file":"cm.yaml"}]}}`)+"\n", e1))
	a2c := label("A2", f.commit(a2, "Approving package revision a/2\n\n"+kpt("a", "ws2", "2", "")+"\n", a1c, e2))
	// v3 was tagged by hand, without annotations.
	a3c := label("A3", f.commit(a3, "manual change\n", a2c))

	linkTarget := treeFile{content: "../a/Kptfile", mode: filemode.Symlink}
	submodule := treeFile{mode: filemode.Submodule, hash: plumbing.NewHash("1111111111111111111111111111111111111111")}
	main := merge(a3, files(
		"nested/b/Kptfile", kptfilePlain,
		"nested/b/deploy/svc.yaml", "kind: Service\n",
		"c/Kptfile", kptfilePlain, "c/x.yaml", "x: 1\n",
		"c/sub/Kptfile", kptfilePlain, "c/sub/y.yaml", "y: 1\n",
		"Bad_Pkg/Kptfile", kptfilePlain,
		"big/Kptfile", kptfileA, "big/data.bin", strings.Repeat("x", 2000),
		"broken/Kptfile", kptfileBroken, "broken/r.yaml", "r: 1\n",
		"badyaml/Kptfile", kptfilePlain, "badyaml/r.yaml", malformedYAML,
		"links/Kptfile", kptfilePlain,
		"blueprints/bp/Kptfile", kptfilePlain,
		"notpkg/readme.txt", "not a package\n",
	), map[string]treeFile{"links/link": linkTarget, "links/mod": submodule})
	m := label("M", f.commit(main, "Add packages\n\nkpt:{not json\n", a3c))

	b2 := merge(main, files("nested/b/deploy/svc.yaml", "kind: Service\nspec: {}\n"))
	db := label("DB", f.commit(b2, "Creating new revision by cloning\n\n"+kpt("nested/b", "My_WS", "0", cloneTask)+"\n", m))
	a4 := merge(main, files("a/cm.yaml", "v: 4\n"))
	p4 := label("P4", f.commit(a4, "Upgrading\n\n"+kpt("a", "ws4", "0", upgradeTask)+"\n", m))

	f.ref("refs/heads/main", m)
	f.ref("refs/tags/a/v1", f.annotatedTag("a/v1", a1c))
	f.ref("refs/tags/a/v2", a2c)
	f.ref("refs/tags/a/v3", a3c)
	f.ref("refs/tags/a/v2.0.0", a2c)
	f.ref("refs/tags/release1", m)
	f.ref("refs/tags/nested/b/v1", m)
	f.ref("refs/tags/blueprints/bp/v1", m)
	f.ref("refs/heads/drafts/nested/b/My_WS", db)
	f.ref("refs/heads/proposed/a/ws4", p4)
	f.ref("refs/heads/deletionProposed/a/v1", a1c)
	f.ref("refs/heads/deletionProposed/nested/b/v7", m)
	f.ref("refs/heads/drafts/a/ws1", e1)
	f.ref("refs/heads/drafts/a/-bad", p4)
	f.ref("refs/heads/drafts/missing/ws", m)
	f.ref("refs/heads/feature", m)
	return r
}

// summary is a revision on one line, commits by label.
func (r *layoutRepo) summary(rev PackageRevision) string {
	task := "-"
	if rev.Task != nil {
		task = string(rev.Task.Type)
	}
	var names []string
	for name := range rev.Files {
		names = append(names, name)
	}
	slices.Sort(names)
	s := fmt.Sprintf("%s ws=%s rev=%d %s ref=%s commit=%s task=%s files=%s",
		rev.Package, rev.WorkspaceName, rev.Revision, rev.Lifecycle, rev.Ref, r.labels[rev.Commit], task, strings.Join(names, ","))
	if rev.TooLarge {
		s += " too-large"
	}
	if rev.KptfileError != "" {
		s += " kptfile-error"
	}
	return s
}

// serve pushes the repository to a fresh server with basic auth, as
// repository name, and returns the server and an endpoint with its
// credentials.
func serve(t *testing.T, r *layoutRepo, name string) (*gitserver.Server, Endpoint) {
	srv := startServer(t, basicAuth)
	ep := Endpoint{URL: srv.RepoURL(name), Credentials: backend.Credentials{Username: user, Password: password}}
	r.f.push(testContext(t), ep)
	return srv, ep
}

// mirrorOf pushes the repository to a fresh server and fetches it.
func mirrorOf(t *testing.T, r *layoutRepo) (*Mirror, Endpoint) {
	_, ep := serve(t, r, "layout")
	m, err := OpenMirror(filepath.Join(t.TempDir(), "mirror"), ep)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fetch(testContext(t)); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	return m, ep
}

func TestDiscoverLayout(t *testing.T) {
	r := buildLayoutRepo(t)
	m, ep := mirrorOf(t, r)
	d, err := m.Discover(DiscoverOptions{Branch: "main", MaxPackageBytes: maxBytesInTest, RepoURL: ep.URL})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.BranchCommit != r.hashes["M"].String() {
		t.Errorf("BranchCommit = %s, want M", d.BranchCommit)
	}
	var got []string
	for _, rev := range d.Revisions {
		got = append(got, r.summary(rev))
	}
	want := []string{
		// The branch holds a as revision 3 left it: the placeholder is dated
		// by that revision, not by the branch head, which later commits of
		// other packages move.
		"a ws=main rev=-1 Published ref=main commit=A3 task=- files=Kptfile,cm.yaml",
		"a ws=v2.0.0 rev=-1 Published ref=a/v2.0.0 commit=A2 task=- files=Kptfile,cm.yaml",
		"a ws=ws4 rev=0 Proposed ref=proposed/a/ws4 commit=P4 task=upgrade files=Kptfile,cm.yaml",
		"a ws=ws1 rev=1 DeletionProposed ref=a/v1 commit=A1 task=init files=Kptfile,cm.yaml",
		"a ws=ws2 rev=2 Published ref=a/v2 commit=A2 task=edit files=Kptfile,cm.yaml",
		"a ws=v3 rev=3 Published ref=a/v3 commit=A3 task=- files=Kptfile,cm.yaml",
		"badyaml ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile,r.yaml",
		"big ws=main rev=-1 Published ref=main commit=M task=- files= too-large",
		"blueprints/bp ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile",
		"blueprints/bp ws=v1 rev=1 Published ref=blueprints/bp/v1 commit=M task=- files=Kptfile",
		"broken ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile,r.yaml kptfile-error",
		"c ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile,sub/Kptfile,sub/y.yaml,x.yaml",
		"links ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile",
		"nested/b ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile,deploy/svc.yaml",
		"nested/b ws=my-ws rev=0 Draft ref=drafts/nested/b/My_WS commit=DB task=clone files=Kptfile,deploy/svc.yaml",
		"nested/b ws=v1 rev=1 Published ref=nested/b/v1 commit=M task=- files=Kptfile,deploy/svc.yaml",
		"nested/b ws=v7 rev=7 DeletionProposed ref=deletionProposed/nested/b/v7 commit=M task=- files=Kptfile,deploy/svc.yaml",
	}
	if diff := cmpLines(got, want); diff != "" {
		t.Errorf("revisions:\n%s", diff)
	}
	wantSkipped := []string{
		`branch "drafts/a/-bad": package "a" is not listed: workspace name "-bad" is not lower-case alphanumeric words joined by '-' or '.'`,
		fmt.Sprintf(`branch "drafts/missing/ws": no Kptfile at "missing" in commit %s`, r.hashes["M"]),
		`branch "main": package "Bad_Pkg" is not listed: folder name "Bad_Pkg" is not lower-case alphanumeric words joined by '-'`,
		`ref "drafts/a/ws1": package "a" workspace "ws1" is already read from ref "a/v1"`,
	}
	if diff := cmpLines(d.Skipped, wantSkipped); diff != "" {
		t.Errorf("skipped:\n%s", diff)
	}
	checkDetails(t, r, d, ep.URL)
}

// checkDetails asserts the fields the one-line summaries leave out.
func checkDetails(t *testing.T, r *layoutRepo, d *Discovery, repoURL string) {
	t.Helper()
	find := func(ref, pkg string) PackageRevision {
		for _, rev := range d.Revisions {
			if rev.Ref == ref && rev.Package == pkg {
				return rev
			}
		}
		t.Fatalf("no revision of %s from %s", pkg, ref)
		return PackageRevision{}
	}
	v1 := find("a/v1", "a")
	if v1.Commit != r.hashes["A1"].String() {
		t.Errorf("annotated tag not peeled: commit %s", v1.Commit)
	}
	if v1.Task == nil || v1.Task.Init == nil || v1.Task.Init.Description != "first" {
		t.Errorf("init task = %+v", v1.Task)
	}
	wantLock := porchv1alpha1.GitLock{Repo: "https://example.com/upstream.git", Directory: "base", Ref: "base/v4",
		Commit: "0123456789abcdef0123456789abcdef01234567"}
	if v1.UpstreamLock == nil || v1.UpstreamLock.Type != porchv1alpha1.OriginTypeGit || *v1.UpstreamLock.Git != wantLock {
		t.Errorf("UpstreamLock = %+v", v1.UpstreamLock)
	}
	wantConditions := []porchv1alpha1.PackageCondition{{Type: "config.injection.ConfigMap.settings", Status: "True", Reason: "ConfigInjected"}}
	if !slices.Equal(v1.Conditions, wantConditions) {
		t.Errorf("Conditions = %+v, want %+v (a status the API cannot hold left out)", v1.Conditions, wantConditions)
	}
	wantGates := []porchv1alpha1.ReadinessGate{{ConditionType: "config.injection.ConfigMap.settings"}}
	if !slices.Equal(v1.Gates, wantGates) {
		t.Errorf("Gates = %+v, want %+v (a gate without a condition type left out)", v1.Gates, wantGates)
	}
	wantSelf := porchv1alpha1.GitLock{Repo: repoURL, Directory: "a", Ref: "a/v1", Commit: r.hashes["A1"].String()}
	if v1.SelfLock == nil || *v1.SelfLock.Git != wantSelf {
		t.Errorf("SelfLock = %+v", v1.SelfLock.Git)
	}
	if v1.Files["cm.yaml"] != "v: 1\n" || v1.Files["Kptfile"] != kptfileA {
		t.Errorf("a/v1 files = %q", v1.Files)
	}
	if v1.Size != int64(len(kptfileA)+len("v: 1\n")) {
		t.Errorf("a/v1 size = %d", v1.Size)
	}
	if want := r.f.commitTime(r.hashes["A1"]); !v1.CommitTime.Equal(want) {
		t.Errorf("CommitTime = %v, want %v", v1.CommitTime, want)
	}
	if task := find("drafts/nested/b/My_WS", "nested/b").Task; task == nil || task.Clone == nil ||
		task.Clone.Upstream.Git == nil || task.Clone.Upstream.Git.Repo != "https://example.com/up.git" {
		t.Errorf("clone task = %+v", task)
	}
	if task := find("proposed/a/ws4", "a").Task; task == nil || task.Upgrade == nil ||
		task.Upgrade.Strategy != porchv1alpha1.ResourceMerge {
		t.Errorf("upgrade task = %+v", task)
	}
	big := find("main", "big")
	if big.Files != nil || big.Size != int64(len(kptfileA)+2000) || big.UpstreamLock == nil {
		t.Errorf("too-large package: files %v size %d lock %v", big.Files, big.Size, big.UpstreamLock)
	}
	broken := find("main", "broken")
	if broken.UpstreamLock != nil || !strings.Contains(broken.KptfileError, "does not parse") ||
		broken.Files["Kptfile"] != kptfileBroken {
		t.Errorf("broken Kptfile: %q lock %v", broken.KptfileError, broken.UpstreamLock)
	}
	if got := find("main", "badyaml"); got.Files["r.yaml"] != malformedYAML || got.KptfileError != "" {
		t.Errorf("malformed resource not returned verbatim: %q", got.Files["r.yaml"])
	}
	if got := find("main", "c").Files["sub/Kptfile"]; got != kptfilePlain {
		t.Errorf("subpackage Kptfile = %q", got)
	}
}

func TestDiscoverDirectory(t *testing.T) {
	r := buildLayoutRepo(t)
	m, _ := mirrorOf(t, r)
	for _, dir := range []string{"blueprints", "/blueprints/"} {
		d, err := m.Discover(DiscoverOptions{Branch: "main", Directory: dir})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, rev := range d.Revisions {
			got = append(got, r.summary(rev)+" path="+rev.Path)
		}
		want := []string{
			"bp ws=main rev=-1 Published ref=main commit=M task=- files=Kptfile path=blueprints/bp",
			"bp ws=v1 rev=1 Published ref=blueprints/bp/v1 commit=M task=- files=Kptfile path=blueprints/bp",
		}
		if diff := cmpLines(got, want); diff != "" {
			t.Errorf("directory %q:\n%s", dir, diff)
		}
		if len(d.Skipped) != 0 {
			t.Errorf("directory %q: skipped %q; refs outside it must be ignored", dir, d.Skipped)
		}
	}
	// A directory that does not exist holds no packages; it is no error.
	d, err := m.Discover(DiscoverOptions{Branch: "main", Directory: "nowhere"})
	if err != nil || len(d.Revisions) != 0 || d.BranchCommit == "" {
		t.Fatalf("missing directory: %+v, %v", d, err)
	}
}

func TestDiscoverWithoutBranch(t *testing.T) {
	r := buildLayoutRepo(t)
	m, _ := mirrorOf(t, r)
	d, err := m.Discover(DiscoverOptions{Branch: "release", Directory: "blueprints"})
	if err != nil {
		t.Fatal(err)
	}
	if d.BranchCommit != "" || len(d.Revisions) != 1 || d.Revisions[0].Ref != "blueprints/bp/v1" {
		t.Fatalf("absent branch: commit %q revisions %+v", d.BranchCommit, d.Revisions)
	}
}

// cmpLines returns a readable difference of two string lists, or "".
func cmpLines(got, want []string) string {
	if slices.Equal(got, want) {
		return ""
	}
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "  missing: %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "  extra:   %s\n", g)
		}
	}
	if b.Len() == 0 {
		fmt.Fprintf(&b, "  order differs:\n  got  %q\n  want %q\n", got, want)
	}
	return b.String()
}

// TestDiscoverReusesWhatItDerived checks that a discovery after a fetch,
// which reuses the annotations, Kptfiles and tasks the previous one worked
// out, finds exactly what a discovery from scratch finds.
func TestDiscoverReusesWhatItDerived(t *testing.T) {
	r := buildLayoutRepo(t)
	m, ep := mirrorOf(t, r)
	opts := DiscoverOptions{Branch: "main", MaxPackageBytes: maxBytesInTest, RepoURL: ep.URL}
	if _, err := m.Discover(opts); err != nil {
		t.Fatal(err)
	}
	if m.derived == nil || len(m.derived.tasks) == 0 || len(m.derived.kptfiles) == 0 {
		t.Fatalf("the discovery kept nothing it derived: %+v", m.derived)
	}
	ctx := testContext(t)
	moveRemote(ctx, r, ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := m.Discover(opts)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := mustOpen(t, m.dir, ep).Discover(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, fresh) {
		t.Fatalf("a discovery reusing the previous one's work differs from one from scratch:\n%+v\n%+v", again, fresh)
	}
}
