package git

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

// raceHandler serves git and, before the next push's POST reaches the
// server, runs a hook once: another writer acting between the ref
// advertisement and the push.
type raceHandler struct {
	next http.Handler
	mu   sync.Mutex
	hook func()
}

func (h *raceHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-receive-pack") {
		h.mu.Lock()
		hook := h.hook
		h.hook = nil
		h.mu.Unlock()
		if hook != nil {
			hook()
		}
	}
	h.next.ServeHTTP(w, r)
}

// ran says whether the hook set last has run.
func (h *raceHandler) ran() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hook == nil
}

func (h *raceHandler) beforeNextPush(hook func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hook = hook
}

// writeRepo is a remote seeded with a registered branch "main" holding a
// README and the package "other", a mirror of it and a Writer on it.
type writeRepo struct {
	t     *testing.T
	ep    Endpoint
	bare  string // the server's repository, for the git CLI
	race  *raceHandler
	dir   string
	m     *Mirror
	w     *Writer
	start plumbing.Hash // main's first commit
}

const otherKptfile = "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: other\n"

func newWriteRepo(t *testing.T, dir string) *writeRepo {
	t.Helper()
	root := t.TempDir()
	srv, err := gitserver.New(gitserver.Options{Root: root, AutoCreate: true, Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	race := &raceHandler{next: srv.Handler()}
	web := httptest.NewServer(race)
	t.Cleanup(web.Close)
	r := &writeRepo{
		t:    t,
		ep:   Endpoint{URL: web.URL + "/writes.git", Credentials: backend.Credentials{Username: user, Password: password}},
		bare: filepath.Join(root, "writes.git"),
		race: race,
		dir:  dir,
	}
	f := newFixture(t)
	r.start = f.commit(files("README.md", "# packages\n",
		joinPath(dir, "other/Kptfile"), otherKptfile, joinPath(dir, "other/cm.yaml"), "o: 1\n"), "Initial commit\n")
	f.ref("refs/heads/main", r.start)
	f.push(testContext(t), r.ep)
	r.m, r.w = r.newWriter()
	return r
}

// newWriter opens a fresh mirror of the remote and a Writer on it.
func (r *writeRepo) newWriter() (*Mirror, *Writer) {
	r.t.Helper()
	m, err := OpenMirror(filepath.Join(r.t.TempDir(), "mirror"), r.ep)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := m.Fetch(testContext(r.t)); err != nil {
		r.t.Fatal(err)
	}
	w, err := NewWriter(m, WriterOptions{Branch: "main", Directory: r.dir, Author: Signature{Name: "Writer", Email: "writer@example.com"}})
	if err != nil {
		r.t.Fatal(err)
	}
	return m, w
}

// git runs the git CLI on the server's repository and returns its output.
func (r *writeRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"--git-dir", r.bare}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			r.t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, exit.Stderr)
		}
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// refs is every branch and tag of the remote, one "name hash" a line,
// as git show-ref prints them.
func (r *writeRepo) refs() string {
	r.t.Helper()
	cmd := exec.Command("git", "--git-dir", r.bare, "show-ref")
	out, _ := cmd.Output() // exits 1 when there are no refs
	return string(out)
}

// ref is the commit a ref of the remote points at; "" when it is absent.
func (r *writeRepo) ref(name string) string {
	r.t.Helper()
	for _, line := range strings.Split(r.refs(), "\n") {
		if hash, ref, ok := strings.Cut(line, " "); ok && ref == name {
			return hash
		}
	}
	return ""
}

// show is a file's content at a revision of the remote.
func (r *writeRepo) show(rev, path string) string {
	r.t.Helper()
	return r.git("show", rev+":"+path)
}

// files lists the files of a revision of the remote.
func (r *writeRepo) files(rev string) []string {
	r.t.Helper()
	return strings.Fields(r.git("ls-tree", "-r", "--name-only", rev))
}

// parents are a commit's parents, in order.
func (r *writeRepo) parents(rev string) []string {
	r.t.Helper()
	return strings.Fields(r.git("log", "-1", "--format=%P", rev))
}

// message is a commit's message.
func (r *writeRepo) message(rev string) string {
	r.t.Helper()
	return r.git("log", "-1", "--format=%B", rev)
}

// discover lists the mirror's revisions of packages other than "other",
// one line each, and what it skipped.
func (r *writeRepo) discover(m *Mirror) ([]string, []string) {
	r.t.Helper()
	d, err := m.Discover(DiscoverOptions{Branch: "main", Directory: r.dir})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, rev := range d.Revisions {
		if rev.Package == "other" {
			continue
		}
		task := "-"
		if rev.Task != nil {
			task = string(rev.Task.Type)
		}
		out = append(out, fmt.Sprintf("%s ws=%s rev=%d %s ref=%s task=%s cm=%q",
			rev.Package, rev.WorkspaceName, rev.Revision, rev.Lifecycle, rev.Ref, task, rev.Files["cm.yaml"]))
	}
	return out, d.Skipped
}

// wantDiscover asserts the mirror's revisions, with nothing skipped.
func (r *writeRepo) wantDiscover(m *Mirror, want ...string) {
	r.t.Helper()
	got, skipped := r.discover(m)
	if diff := cmpLines(got, want); diff != "" {
		r.t.Errorf("discovery:\n%s", diff)
	}
	if len(skipped) != 0 {
		r.t.Errorf("skipped: %q", skipped)
	}
}

// wantConflict asserts err is a lost compare-and-swap and that the remote's
// refs are still before.
func (r *writeRepo) wantConflict(err error, before string) {
	r.t.Helper()
	if !errors.Is(err, backend.ErrConflict) {
		r.t.Fatalf("got %v, want ErrConflict", err)
	}
	if after := r.refs(); after != before {
		r.t.Errorf("a refused write changed the remote's refs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// pkgFiles is a package whose cm.yaml holds v.
func pkgFiles(v string) map[string]string {
	return map[string]string{
		"Kptfile":           kptfilePlain,
		"cm.yaml":           "v: " + v + "\n",
		"deploy/sub/x.yaml": "x: " + v + "\n",
	}
}

var initTask = porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: "first"}}

// draft creates a draft of pkg from main's head, failing the test on error.
func (r *writeRepo) draft(w *Writer, pkg, ws, v string) plumbing.Hash {
	r.t.Helper()
	h, err := w.CreateDraft(testContext(r.t), DraftSpec{Package: pkg, Workspace: ws, Files: pkgFiles(v), Task: initTask,
		Base: plumbing.NewHash(r.ref("refs/heads/main"))})
	if err != nil {
		r.t.Fatalf("CreateDraft %s/%s: %v", pkg, ws, err)
	}
	return h
}

// proposed creates a draft and proposes it, returning its head.
func (r *writeRepo) proposed(w *Writer, pkg, ws, v string) plumbing.Hash {
	r.t.Helper()
	h := r.draft(w, pkg, ws, v)
	if err := w.Propose(testContext(r.t), pkg, ws, h); err != nil {
		r.t.Fatalf("Propose %s/%s: %v", pkg, ws, err)
	}
	return h
}

// annotationOf parses the single annotation of a commit of the remote.
func (r *writeRepo) annotationOf(rev string) annotation {
	r.t.Helper()
	notes := parseAnnotations(r.message(rev))
	if len(notes) != 1 {
		r.t.Fatalf("commit %s has annotations %+v, want one", rev, notes)
	}
	return notes[0]
}
