package gitserver

import (
	"log"
	"net/http"
)

// serveHTTP authenticates before looking at the path so that anonymous
// clients cannot probe which repositories exist.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	user, ok := s.auth.check(r)
	if !ok {
		challenge(w)
		return
	}
	name, endpoint, isGit, err := splitRequestPath(r.URL.Path)
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case !isGit:
		http.Error(w, "not a git smart-HTTP endpoint", http.StatusNotFound)
		return
	}
	if !methodAllowed(endpoint, r.Method) {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	dir, err := repoDir(s.root, name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !isRepository(dir) {
		if !s.autoCreate {
			http.Error(w, "repository not found", http.StatusNotFound)
			return
		}
		if _, err := s.ensureRepository(dir); err != nil {
			s.logf("gitserver: creating repository %q: %v", name, err)
			http.Error(w, "cannot create repository", http.StatusInternalServerError)
			return
		}
	}
	s.serveBackend(w, r, name, endpoint, user)
}

func methodAllowed(endpoint, method string) bool {
	if endpoint == "/info/refs" {
		return method == http.MethodGet || method == http.MethodHead
	}
	return method == http.MethodPost
}

func (s *Server) logf(format string, args ...any) {
	if s.backend.Logger != nil {
		s.backend.Logger.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
