package gitserver

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// findBackend asks git where its helpers live instead of assuming a
// distribution layout (/usr/lib/git-core on Debian, /usr/libexec/git-core
// elsewhere, Homebrew prefixes on macOS).
func findBackend(gitPath string) (string, error) {
	cmd := exec.Command(gitPath, "--exec-path")
	cmd.Env = gitEnv()
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git --exec-path: %w", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	st, err := os.Stat(backend)
	if err != nil {
		return "", fmt.Errorf("git-http-backend not found: %w", err)
	}
	if st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("git-http-backend at %s is not executable", backend)
	}
	return backend, nil
}

// newBackend configures the CGI handler once; per-request values are added
// in serveBackend.
func newBackend(path, root string, o Options) *cgi.Handler {
	env := []string{
		"GIT_PROJECT_ROOT=" + root,
		// Without this, http-backend only serves repositories that contain
		// a git-daemon-export-ok file.
		"GIT_HTTP_EXPORT_ALL=1",
		// http-backend enables receive-pack only for authenticated users
		// (REMOTE_USER set). Setting it through the environment covers
		// every repository under Root, including ones created by hand.
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=http.receivepack",
		"GIT_CONFIG_VALUE_0=true",
	}
	env = append(env, isolatedConfigEnv...)
	h := &cgi.Handler{
		Path: path,
		Dir:  root,
		Env:  env,
	}
	if o.ErrorLog != nil {
		h.Logger = o.ErrorLog
		h.Stderr = o.ErrorLog.Writer()
	}
	return h
}

// serveBackend hands the request to git http-backend with the path rewritten
// to the canonical "/<name>.git<endpoint>", so PATH_INFO is built from the
// validated name only and never from what the client sent.
func (s *Server) serveBackend(w http.ResponseWriter, r *http.Request, name, endpoint, user string) {
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path = "/" + name + gitSuffix + endpoint
	r2.URL.RawPath = ""
	r2.Header = r.Header.Clone()
	// net/http/cgi exports every request header as HTTP_*; dropping the
	// credentials keeps them out of the child's environment.
	r2.Header.Del("Authorization")
	if slices.Contains(r.TransferEncoding, "chunked") {
		// net/http/cgi refuses chunked bodies outright, yet the git CLI
		// sends pushes larger than http.postBuffer that way. net/http has
		// already de-chunked the body and http-backend reads until EOF
		// when CONTENT_LENGTH is absent, so the body can be streamed as is.
		r2.TransferEncoding = nil
		r2.ContentLength = -1
	}

	h := s.backend
	if user != "" {
		c := *h
		c.Env = append(slices.Clip(c.Env), "REMOTE_USER="+user)
		h = &c
	}
	h.ServeHTTP(w, r2)
}
