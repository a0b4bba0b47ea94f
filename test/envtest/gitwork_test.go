package envtest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// gitWork is a clone of a test repository in which a test writes packages,
// commits, tags and branches with the git CLI, as a user or upstream Porch would.
type gitWork struct {
	dir    string
	remote string
}

// newGitWork starts an empty work tree on branch main whose pushes go to remote.
func newGitWork(remote string) *gitWork {
	w := &gitWork{dir: GinkgoT().TempDir(), remote: remote}
	w.git("init", "-q", "-b", "main")
	return w
}

func (w *gitWork) git(args ...string) string {
	GinkgoHelper()
	cmd := exec.Command("git", append([]string{"-C", w.dir, "-c", "user.name=Test", "-c", "user.email=test@example.com"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z", "GIT_AUTHOR_DATE=2026-01-02T03:04:05Z")
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// write sets files, path -> content, relative to the work tree.
func (w *gitWork) write(files map[string]string) *gitWork {
	GinkgoHelper()
	for path, content := range files {
		full := filepath.Join(w.dir, path)
		Expect(os.MkdirAll(filepath.Dir(full), 0o755)).To(Succeed())
		Expect(os.WriteFile(full, []byte(content), 0o644)).To(Succeed())
	}
	return w
}

// commit commits everything with a message that ends, as upstream Porch's
// do, with a kpt: annotation line when annotation is not nil.
func (w *gitWork) commit(subject string, annotation map[string]any) string {
	GinkgoHelper()
	message := subject
	if annotation != nil {
		data, err := json.Marshal(annotation)
		Expect(err).NotTo(HaveOccurred())
		message += "\n\nkpt:" + string(data) + "\n"
	}
	w.git("add", "-A")
	w.git("commit", "-q", "--allow-empty", "-m", message)
	return w.git("rev-parse", "HEAD")
}

func (w *gitWork) push(refspecs ...string) {
	GinkgoHelper()
	w.git(append([]string{"push", "-q", "--force", w.remote}, refspecs...)...)
}

// minimalKptfile is a minimal Kptfile of a package.
func minimalKptfile(name string) string {
	return fmt.Sprintf("apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: %s\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\ninfo:\n  description: %s package\n", name, name)
}

// configMap is a resource whose data says which revision it belongs to.
func configMap(name, revision string) string {
	return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  revision: %q\n", name, revision)
}

// annotation is upstream Porch's commit annotation for a package's workspace and task.
func annotation(pkg, workspace, revision string, task map[string]any) map[string]any {
	a := map[string]any{"package": pkg, "workspaceName": workspace}
	if revision != "" {
		a["revision"] = revision
	}
	if task != nil {
		a["task"] = task
	}
	return a
}
