package git

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

// randomText is n bytes that compression cannot shrink.
func randomText(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pushed pushes a fixture's refs to a new repository on a new server.
func pushed(t *testing.T, f *fixture) Endpoint {
	srv := startServer(t, basicAuth)
	ep := Endpoint{URL: srv.RepoURL("upstream"), Credentials: backend.Credentials{Username: user, Password: password}}
	f.push(testContext(t), ep)
	return ep
}

// assertEmpty fails unless dir holds nothing: every fetch folder was removed.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("%s was left in the fetch folder", e.Name())
	}
}

func TestReadPackageStopsAtTheFetchLimit(t *testing.T) {
	const limit = 256 << 10
	f := newFixture(t)
	pkg := files("pkg/Kptfile", kptfilePlain, "pkg/cm.yaml", "v: 1\n")
	tiny := map[string]treeFile{}
	for i := range 200 {
		tiny[fmt.Sprintf("many/f%03d", i)] = treeFile{content: fmt.Sprintf("%d\n", i)}
	}
	f.ref("refs/heads/random", f.commit(merge(pkg, files("pkg/blob.bin", randomText(t, 4*limit))), "a large random file\n"))
	f.ref("refs/heads/zeros", f.commit(merge(pkg, files("pkg/zeros.bin", strings.Repeat("\x00", 64*limit))), "a file of zeros\n"))
	f.ref("refs/heads/elsewhere", f.commit(merge(pkg, files("assets/blob.bin", randomText(t, 4*limit))), "large, outside the package\n"))
	f.ref("refs/heads/many", f.commit(merge(pkg, tiny), "many tiny files\n"))
	f.ref("refs/heads/small", f.commit(pkg, "small\n"))
	ep := pushed(t, f)
	withUser := Endpoint{URL: strings.Replace(ep.URL, "http://", "http://"+user+":"+password+"@", 1), Credentials: ep.Credentials}

	tests := []struct {
		name, ref string
		limit     int64
		mention   []string
	}{
		// The bytes are stopped as they arrive.
		{"a package with a file larger than the limit", "random", limit, []string{"limit of 262144 bytes", ep.URL}},
		{"a file larger than the limit outside the package", "elsewhere", limit, []string{"limit of 262144 bytes"}},
		// The pack is small, what it unpacks to is not.
		{"a file of zeros that compresses a thousandfold", "zeros", limit, []string{"an object of 16777216 bytes", "limit of 262144"}},
		{"more objects than the limit allows", "many", 64 << 10, []string{"holds 20", "objects, over the 128"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			files, commit, err := ReadPackage(testContext(t), withUser, tt.ref, "pkg", ReadOptions{TempDir: tmp, MaxFetchBytes: tt.limit})
			if !errors.Is(err, backend.ErrSourceTooLarge) {
				t.Fatalf("ReadPackage = %d files, %q, %v; want an error wrapping ErrSourceTooLarge", len(files), commit, err)
			}
			t.Log(err)
			for _, s := range tt.mention {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not mention %q", err, s)
				}
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("message %q leaks the password", err)
			}
			assertEmpty(t, tmp)
		})
	}

	t.Run("a package within the limit", func(t *testing.T) {
		tmp := t.TempDir()
		files, _, err := ReadPackage(testContext(t), ep, "small", "pkg", ReadOptions{TempDir: tmp, MaxFetchBytes: limit})
		if err != nil {
			t.Fatalf("ReadPackage: %v", err)
		}
		if len(files) != 2 || files["cm.yaml"] != "v: 1\n" {
			t.Errorf("files = %q", files)
		}
		assertEmpty(t, tmp)
	})
}

// historyRepo is main: a package, then a large random file added beside
// it, removed, and the package changed twice.
type historyRepo struct {
	withLarge, afterLarge, tip string
}

func buildHistoryRepo(t *testing.T, f *fixture, large int) historyRepo {
	pkg := func(v int) map[string]treeFile {
		return files("pkg/Kptfile", kptfilePlain, "pkg/cm.yaml", fmt.Sprintf("v: %d\n", v))
	}
	c1 := f.commit(merge(pkg(1), files("assets/blob.bin", randomText(t, large))), "with a large file\n")
	c2 := f.commit(pkg(2), "large file removed\n", c1)
	c3 := f.commit(pkg(3), "v3\n", c2)
	f.ref("refs/heads/main", c3)
	return historyRepo{withLarge: c1.String(), afterLarge: c2.String(), tip: c3.String()}
}

// A commit no ref points at is fetched alone: its history, which holds a
// file over the limit, is not fetched.
func TestReadPackageFetchesACommitAlone(t *testing.T) {
	const limit = 256 << 10
	f := newFixture(t)
	h := buildHistoryRepo(t, f, 4*limit)
	ep := pushed(t, f)

	tmp := t.TempDir()
	files, commit, err := ReadPackage(testContext(t), ep, h.afterLarge, "pkg", ReadOptions{TempDir: tmp, MaxFetchBytes: limit})
	if err != nil {
		t.Fatalf("ReadPackage of a commit whose parent holds a file over the limit: %v", err)
	}
	if commit != h.afterLarge || files["cm.yaml"] != "v: 2\n" {
		t.Errorf("read %s with cm.yaml %q; want %s with v: 2", commit, files["cm.yaml"], h.afterLarge)
	}
	_, _, err = ReadPackage(testContext(t), ep, h.withLarge, "pkg", ReadOptions{TempDir: tmp, MaxFetchBytes: limit})
	if !errors.Is(err, backend.ErrSourceTooLarge) {
		t.Errorf("ReadPackage of the commit holding the file over the limit: %v; want ErrSourceTooLarge", err)
	}
	assertEmpty(t, tmp)
}

// refusingWants answers 403 to an upload-pack request that wants hash, as
// a server that serves only what its refs point at does, and counts the
// requests it refused.
type refusingWants struct {
	next    http.Handler
	hash    string
	refused atomic.Int32
}

func (h *refusingWants) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if bytes.Contains(body, []byte("want "+h.hash)) {
			h.refused.Add(1)
			http.Error(w, "not our ref "+h.hash, http.StatusForbidden)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	h.next.ServeHTTP(w, r)
}

// A server that refuses a commit no ref points at is asked for the
// history of every branch and tag, still within the limit.
func TestReadPackageFallsBackToHistory(t *testing.T) {
	f := newFixture(t)
	h := buildHistoryRepo(t, f, 64<<10)
	opts := basicAuth
	opts.Root, opts.AutoCreate = t.TempDir(), true
	srv, err := gitserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	refusing := &refusingWants{next: srv.Handler(), hash: h.afterLarge}
	ts := httptest.NewServer(refusing)
	t.Cleanup(ts.Close)
	ep := Endpoint{URL: ts.URL + "/upstream.git", Credentials: backend.Credentials{Username: user, Password: password}}
	f.push(testContext(t), ep)

	tmp := t.TempDir()
	files, commit, err := ReadPackage(testContext(t), ep, h.afterLarge, "pkg", ReadOptions{TempDir: tmp, MaxFetchBytes: 1 << 20})
	if err != nil {
		t.Fatalf("ReadPackage: %v", err)
	}
	if commit != h.afterLarge || files["cm.yaml"] != "v: 2\n" {
		t.Errorf("read %s with cm.yaml %q; want %s with v: 2", commit, files["cm.yaml"], h.afterLarge)
	}
	if got := refusing.refused.Load(); got != 1 {
		t.Errorf("the server refused %d requests for the commit alone; want 1, then the history fetched", got)
	}
	assertEmpty(t, tmp)

	// The history is fetched within the limit too.
	_, _, err = ReadPackage(testContext(t), ep, h.afterLarge, "pkg", ReadOptions{TempDir: tmp, MaxFetchBytes: 32 << 10})
	if !errors.Is(err, backend.ErrSourceTooLarge) {
		t.Errorf("ReadPackage of history over the limit: %v; want ErrSourceTooLarge", err)
	}
	assertEmpty(t, tmp)
}
