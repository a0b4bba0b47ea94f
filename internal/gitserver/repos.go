package gitserver

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// isRepository is a cheap existence test; git http-backend does the thorough
// validation itself when it opens the repository.
func isRepository(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "HEAD"))
	return err == nil && st.Mode().IsRegular()
}

// CreateRepository creates an empty bare repository whose HEAD points at
// refs/heads/main and returns its path. name may carry a trailing ".git".
// When the repository already exists the path is returned together with an
// error matching fs.ErrExist, so callers that only need it to exist can
// ignore that case.
func (s *Server) CreateRepository(name string) (string, error) {
	name, err := normalizeName(name)
	if err != nil {
		return "", err
	}
	dir, err := repoDir(s.root, name)
	if err != nil {
		return "", err
	}
	created, err := s.ensureRepository(dir)
	if err != nil {
		return "", err
	}
	if !created {
		return dir, fmt.Errorf("repository %q: %w", name, fs.ErrExist)
	}
	return dir, nil
}

// ensureRepository creates dir unless it already holds a repository. The
// mutex serialises creators inside this process; building the repository
// under a temporary name and renaming it into place means concurrent readers
// (including other processes sharing Root) never see a half-initialised one.
func (s *Server) ensureRepository(dir string) (created bool, err error) {
	if isRepository(dir) {
		return false, nil
	}
	s.createMu.Lock()
	defer s.createMu.Unlock()
	if isRepository(dir) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return false, err
	}
	// Temporary directories live directly in Root, on the same filesystem
	// as the target so rename is atomic, and start with "." so no valid
	// repository name can address them.
	tmp, err := os.MkdirTemp(s.root, ".tmp-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(s.gitPath, "init", "--quiet", "--bare", "--initial-branch=main", tmp)
	cmd.Env = gitEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return false, fmt.Errorf("git init: %w: %s", err, strings.TrimSpace(string(out)))
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have won the race; that is success too.
		if isRepository(dir) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// gitEnv is the environment for git commands the server runs itself. GIT_*
// variables are dropped because a caller running inside a git hook or with
// GIT_DIR set would otherwise redirect "git init" to another repository, and
// system/global config is ignored so user settings such as init.templateDir
// cannot change what gets created.
func gitEnv() []string {
	env := make([]string, 0, len(os.Environ())+2)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env, isolatedConfigEnv...)
}

var isolatedConfigEnv = []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull}
