package git

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porch-dev/porch/internal/backend"
)

func refNames(t *testing.T, refs []*plumbing.Reference) []string {
	t.Helper()
	var names []string
	for _, r := range refs {
		names = append(names, r.Name().String())
	}
	return names
}

func mirrorRefs(t *testing.T, m *Mirror) []*plumbing.Reference {
	t.Helper()
	refs, err := m.Refs()
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// moveRemote changes the remote's refs: a new tag, a branch and a tag
// deleted, main moved to the returned commit.
func moveRemote(ctx context.Context, r *layoutRepo, ep Endpoint) plumbing.Hash {
	f := r.f
	newer := f.commit(merge(files("README.md", "# packages\n"), files("a/Kptfile", kptfilePlain, "a/cm.yaml", "v: 5\n")),
		"more\n\n"+kpt("a", "ws5", "5", "")+"\n", r.hashes["M"])
	f.ref("refs/tags/a/v5", newer)
	f.ref("refs/heads/main", newer)
	f.push(ctx, ep, "refs/heads/proposed/a/ws4", "refs/tags/a/v2.0.0")
	return newer
}

func TestMirrorFetchIncremental(t *testing.T) {
	r := buildLayoutRepo(t)
	m, ep := mirrorOf(t, r)
	ctx := testContext(t)

	remote, err := ListRemoteRefs(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := RefsHash(mirrorRefs(t, m)), RefsHash(remote); got != want {
		t.Fatalf("mirror refs %q differ from the remote's %q", refNames(t, mirrorRefs(t, m)), refNames(t, remote))
	}
	if err := m.Fetch(ctx); err != nil {
		t.Fatalf("a fetch with nothing new must succeed: %v", err)
	}

	newer := moveRemote(ctx, r, ep)

	if err := m.Fetch(ctx); err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	refs := mirrorRefs(t, m)
	names := refNames(t, refs)
	for _, gone := range []string{"refs/heads/proposed/a/ws4", "refs/tags/a/v2.0.0"} {
		if slices.Contains(names, gone) {
			t.Errorf("%s was deleted on the remote but is still in the mirror", gone)
		}
	}
	if !slices.Contains(names, "refs/tags/a/v5") {
		t.Errorf("new tag missing: %q", names)
	}
	remote, err = ListRemoteRefs(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	if RefsHash(refs) != RefsHash(remote) {
		t.Fatalf("after fetch, mirror %q != remote %q", names, refNames(t, remote))
	}

	d, err := m.Discover(DiscoverOptions{Branch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	var a []string
	for _, rev := range d.Revisions {
		if rev.Package == "a" {
			a = append(a, rev.Ref+" "+rev.WorkspaceName)
		}
	}
	want := []string{"main main", "a/v1 ws1", "a/v2 ws2", "a/v3 v3", "a/v5 ws5"}
	if !slices.Equal(a, want) {
		t.Errorf("revisions of a = %q, want %q", a, want)
	}
	if d.BranchCommit != newer.String() {
		t.Errorf("BranchCommit = %s, want %s", d.BranchCommit, newer)
	}
}

func TestMirrorFetchFailuresKeepRefs(t *testing.T) {
	r := buildLayoutRepo(t)
	srv, good := serve(t, r, "fail")
	ctx := testContext(t)
	dir := filepath.Join(t.TempDir(), "mirror")
	m, err := OpenMirror(dir, good)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	before := RefsHash(mirrorRefs(t, m))
	opts := DiscoverOptions{Branch: "main", MaxPackageBytes: maxBytesInTest}
	first, err := m.Discover(opts)
	if err != nil {
		t.Fatal(err)
	}

	// The remote moves; every failed fetch below must leave the old refs.
	r.f.ref("refs/heads/main", r.hashes["A3"])
	r.f.push(ctx, good, "refs/tags/a/v1")
	unchanged := func(what string) {
		t.Helper()
		if RefsHash(mirrorRefs(t, m)) != before {
			t.Fatalf("%s changed the mirror's refs", what)
		}
	}

	// Wrong credentials on the same mirror folder.
	bad, err := OpenMirror(dir, Endpoint{URL: good.URL, Credentials: backend.Credentials{Username: user, Password: "wrong-password-42"}})
	if err != nil {
		t.Fatal(err)
	}
	err = bad.Fetch(ctx)
	if !errors.Is(err, backend.ErrAuthentication) {
		t.Fatalf("wrong password: got %v, want ErrAuthentication", err)
	}
	if strings.Contains(err.Error(), "wrong-password-42") || strings.Contains(err.Error(), password) {
		t.Fatalf("message leaks a password: %q", err)
	}
	unchanged("a refused fetch")

	// An interrupted fetch.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := m.Fetch(cancelled); !errors.Is(err, backend.ErrUnreachable) {
		t.Fatalf("cancelled fetch: got %v, want ErrUnreachable", err)
	}
	unchanged("an interrupted fetch")

	// A stopped server.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	err = m.Fetch(ctx)
	if !errors.Is(err, backend.ErrUnreachable) {
		t.Fatalf("stopped server: got %v, want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Fatalf("message leaks the password: %q", err)
	}
	unchanged("a failed fetch")
	again, err := m.Discover(opts)
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := summaries(r, first), summaries(r, again)
	if !slices.Equal(r1, r2) || !slices.Equal(first.Skipped, again.Skipped) || first.BranchCommit != again.BranchCommit {
		t.Fatalf("discovery changed after a failed fetch:\n%s", cmpLines(r2, r1))
	}
}

func summaries(r *layoutRepo, d *Discovery) []string {
	var out []string
	for _, rev := range d.Revisions {
		out = append(out, r.summary(rev))
	}
	return out
}

func TestMirrorOfEmptyRemote(t *testing.T) {
	srv := startServer(t, basicAuth)
	ctx := testContext(t)
	ep := Endpoint{URL: srv.RepoURL("empty"), Credentials: backend.Credentials{Username: user, Password: password}}
	if refs, err := ListRemoteRefs(ctx, ep); err != nil || refs != nil {
		t.Fatalf("ListRemoteRefs of an empty remote = %v, %v; want nil, nil", refs, err)
	}
	m, err := OpenMirror(filepath.Join(t.TempDir(), "m"), ep)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Fetch(ctx); err != nil {
		t.Fatalf("Fetch of an empty remote: %v", err)
	}
	if refs := mirrorRefs(t, m); len(refs) != 0 {
		t.Fatalf("refs of an empty mirror: %v", refs)
	}
	d, err := m.Discover(DiscoverOptions{Branch: "main"})
	if err != nil || d.BranchCommit != "" || len(d.Revisions) != 0 || len(d.Skipped) != 0 {
		t.Fatalf("Discover of an empty mirror = %+v, %v", d, err)
	}

	// Filled, fetched, then emptied again: the mirror follows. The branch is
	// not the remote's HEAD, which git refuses to delete.
	f := newFixture(t)
	f.ref("refs/heads/work", f.commit(files("p/Kptfile", kptfilePlain), "init\n"))
	f.push(ctx, ep)
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if got := refNames(t, mirrorRefs(t, m)); !slices.Equal(got, []string{"refs/heads/work"}) {
		t.Fatalf("refs = %q", got)
	}
	f.push(ctx, ep, "refs/heads/work")
	if refs, err := ListRemoteRefs(ctx, ep); err != nil || refs != nil {
		t.Fatalf("remote not emptied: %v, %v", refs, err)
	}
	if err := m.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if refs := mirrorRefs(t, m); len(refs) != 0 {
		t.Fatalf("the remote is empty but the mirror still has %v", refs)
	}
}

func TestOpenMirrorReopens(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m")
	ep := Endpoint{URL: "http://127.0.0.1:1/x.git"}
	if _, err := OpenMirror(dir, ep); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenMirror(dir, ep); err != nil {
		t.Fatalf("reopening an existing mirror: %v", err)
	}
	bad, err := OpenMirror(dir, Endpoint{URL: "http://[::1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.Fetch(testContext(t)); !errors.Is(err, backend.ErrInvalidAddress) {
		t.Fatalf("bad address: %v", err)
	}
}
