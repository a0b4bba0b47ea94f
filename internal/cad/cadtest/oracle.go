package cadtest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// NeedOracle skips a test or benchmark when kpt or git is not on the PATH.
func NeedOracle(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"kpt", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Skipf("%s not found: golden comparison skipped", tool)
		}
	}
}

// Run runs a command in dir with a fixed git identity and no global git
// configuration, fails on error, and returns its trimmed output.
func Run(tb testing.TB, dir string, name string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}
