package gitserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rawRequest writes the request line byte for byte, because Go's HTTP client
// and URL parser would normalise or re-escape the hostile paths under test.
func rawRequest(t *testing.T, addr, method, target string) (int, http.Header, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := method + " " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

func TestPathTraversalRefused(t *testing.T) {
	parent := t.TempDir()
	s := startServer(t, Options{Root: filepath.Join(parent, "root"), AutoCreate: true})
	addr := strings.TrimPrefix(s.URL(), "http://")

	tests := []struct{ method, target string }{
		{"GET", "/../x.git/info/refs?service=git-upload-pack"},
		{"GET", "/%2e%2e/x/info/refs?service=git-upload-pack"},
		{"GET", "/%2E%2E/%2E%2E/x.git/info/refs?service=git-receive-pack"},
		{"GET", "/a/../../x.git/info/refs?service=git-upload-pack"},
		{"GET", "/a/%2e%2e/%2e%2e/x.git/info/refs"},
		{"GET", "/x/..%2f..%2fy/info/refs"},
		{"GET", "/..%5cx/info/refs"},
		{"GET", "//tmp/x/info/refs"},
		{"GET", "/" + parent + "/x/info/refs"},
		{"GET", "/.tmp-x/info/refs"},
		{"GET", "/.git/info/refs"},
		{"GET", "/team.git/x/info/refs"},
		{"POST", "/../x.git/git-receive-pack"},
		{"POST", "/x.git/../../y/git-upload-pack"},
		{"GET", "/../x.git/HEAD"},
		{"GET", "/x.git/../../../etc/passwd"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			code, header, body := rawRequest(t, addr, tt.method, tt.target)
			t.Logf("%d %s", code, strings.TrimSpace(body))
			if code != http.StatusBadRequest && code != http.StatusNotFound {
				t.Fatalf("status %d, want 400 or 404 (body %q)", code, body)
			}
			if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || len(body) > 200 {
				t.Fatalf("want a short plain-text reason, got %q: %q", ct, body)
			}
		})
	}
	if got := dirNames(t, parent); !slices.Equal(got, []string{"root"}) {
		t.Fatalf("parent of root holds %v, want only [root]", got)
	}
	if got := dirNames(t, s.root); len(got) != 0 {
		t.Fatalf("root holds %v, want nothing", got)
	}
}

func TestHandlerRouting(t *testing.T) {
	s, err := New(Options{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRepository("team/x"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, target string
		wantCode       int
		wantType       string
	}{
		{"GET", "/team/x.git/info/refs?service=git-upload-pack", 200, "application/x-git-upload-pack-advertisement"},
		{"GET", "/team/x/info/refs?service=git-receive-pack", 200, "application/x-git-receive-pack-advertisement"},
		{"GET", "/team/x.git/git-upload-pack", 405, "text/plain"},
		{"POST", "/team/x.git/info/refs", 405, "text/plain"},
		{"PUT", "/team/x.git/git-receive-pack", 405, "text/plain"},
		{"GET", "/", 404, "text/plain"},
		{"GET", "/team/x.git", 404, "text/plain"},
		{"GET", "/team/x.git/HEAD", 404, "text/plain"},
		{"GET", "/team/x.git/objects/info/packs", 404, "text/plain"},
		{"GET", "/team/y.git/info/refs?service=git-upload-pack", 404, "text/plain"},
		{"GET", "/team//x/info/refs", 400, "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
			if rec.Code != tt.wantCode || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.wantType) {
				t.Fatalf("got %d %q, want %d %q (body %q)", rec.Code, rec.Header().Get("Content-Type"),
					tt.wantCode, tt.wantType, rec.Body.String())
			}
		})
	}
}
