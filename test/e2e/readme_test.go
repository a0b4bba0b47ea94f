package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/controlplane"
)

// readmeMarker precedes, in README.md, the shell block TestReadmeWalkthrough runs.
const readmeMarker = "<!-- tested: walkthrough-porchctl -->"

// TestReadmeWalkthrough runs the README's porchctl walkthrough, line for
// line, as a user would in a checkout: the local mode's folder .porch and
// the CLI in bin/, so that the README cannot drift from the product.
func TestReadmeWalkthrough(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	script := taggedBlock(t, string(readme), readmeMarker)
	work := t.TempDir()
	if out, err := exec.Command("go", "build", "-o", filepath.Join(work, "bin", "porchctl"), "github.com/porch-dev/porch/cmd/porchctl").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	m := startLocal(t, buildManager(t), filepath.Join(work, ".porch"))
	defer m.interrupt(t)

	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README walkthrough failed: %v\n%s\n%s", err, out, m.log())
	}
	for _, want := range []string{"blueprints.app.v1", "deployments.my-app.v1 created", "deployments.my-app.v1 pushed",
		"deployments.my-app.v1 proposed", "deployments.my-app.v1 approved", "my-app/v1"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the walkthrough's output lacks %q:\n%s", want, out)
		}
	}
	deployment, err := os.ReadFile(filepath.Join(work, "my-app", "deployment.yaml"))
	if err != nil || !strings.Contains(string(deployment), "replicas: 3") {
		t.Errorf("the pulled and edited deployment: %v\n%s", err, deployment)
	}
}

// taggedBlock is the fenced code block that follows marker in text.
func taggedBlock(t *testing.T, text, marker string) string {
	t.Helper()
	_, after, found := strings.Cut(text, marker)
	if !found {
		t.Fatalf("README.md has no %s", marker)
	}
	_, block, found := strings.Cut(after, "```sh\n")
	if !found {
		t.Fatalf("no ```sh block after %s", marker)
	}
	block, _, found = strings.Cut(block, "```")
	if !found {
		t.Fatalf("the block after %s is not closed", marker)
	}
	return block
}
