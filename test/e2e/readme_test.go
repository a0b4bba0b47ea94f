package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/controlplane"
)

// testedBlock marks, in README.md, a shell block TestReadmeWalkthrough runs.
var testedBlock = regexp.MustCompile("(?s)<!-- tested: ([a-z-]+) -->\n```sh\n(.*?)```")

// walkthroughOutput is what each tested block of the README must print, by
// the name of its marker: the test fails on a block it does not know, so
// that a new one says what it shows.
var walkthroughOutput = map[string][]string{
	"crds":            {"packagerevisions.porch.kpt.dev", "repositories.config.porch.kpt.dev", "packagevariantsets.config.porch.kpt.dev"},
	"blueprints":      {"blueprints.app.v1", "blueprints.basens.v1", "blueprints.gated.v1"},
	"register":        {"repository.config.porch.kpt.dev/demo created", "repository.config.porch.kpt.dev/demo condition met"},
	"ready-condition": {`"status":"True","type":"Ready"`},
	"sync":            {"repository.config.porch.kpt.dev/demo condition met", "demo.basens.v1", "packagerevision.porch.kpt.dev/demo.basens.v1", "name: basens"},
	"oci-blueprints":  {"oci-blueprints.app.v1", "oci-blueprints.basens.v1", "oci-blueprints.gated.v1", "kind: Kptfile"},
	"oci-clone": {"blueprints.basens-from-oci.v1 created", "type: oci", "/blueprints/basens:v1\n", "/blueprints/basens:v1@sha256:",
		"blueprints.basens-from-oci.v1 deleted"},
	"porchctl": {"blueprints.app.v1", "deployments registered", "deployments.my-app.v1 created", "deployments.my-app.v1 pulled into my-app", "deployments.my-app.v1 pushed",
		"deployments.my-app.v1 proposed", "deployments.my-app.v1 approved", "my-app/v1"},
	"rpkg-diff": {"deployments.my-app.v2 created", "deployments.my-app.v2 pushed",
		"--- deployments.my-app.v1/deployment.yaml\n+++ deployments.my-app.v2/deployment.yaml\n", "-  replicas: 3\n+  replicas: 4\n",
		"--- deployments.my-app.v2/deployment.yaml\n+++ my-app-v2/deployment.yaml\n", "-  replicas: 4\n+  replicas: 5\n",
		"deployments.my-app.v2 deleted"},
	"kubectl-authoring": {"packagerevision.porch.kpt.dev/demo.app.v1 created", "packagerevision.porch.kpt.dev/demo.app.v1 condition met", "kind: Kptfile"},
}

// TestReadmeWalkthrough runs the README's walkthroughs, block by block in
// the order they come, as a user would in a checkout with the local mode
// running: its folder .porch, the CLI in bin/, KUBECONFIG exported. So the
// README cannot drift from the product.
func TestReadmeWalkthrough(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := testedBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < len(walkthroughOutput) {
		t.Fatalf("README.md has %d tested blocks, want one for each of %d walkthrough steps", len(blocks), len(walkthroughOutput))
	}
	work := t.TempDir()
	buildCommands(t, filepath.Join(work, "bin"), "porchctl")
	m := startLocal(t, buildManager(t), filepath.Join(work, ".porch"))
	defer m.interrupt(t)

	env := append(os.Environ(), "PATH="+toolPath(filepath.Join(work, "bin")), "KUBECONFIG="+filepath.Join(work, ".porch", "kubeconfig"),
		// The user's git knows who they are.
		"GIT_AUTHOR_NAME=Walkthrough", "GIT_AUTHOR_EMAIL=walkthrough@example.com",
		"GIT_COMMITTER_NAME=Walkthrough", "GIT_COMMITTER_EMAIL=walkthrough@example.com")
	for _, block := range blocks {
		name, script := block[1], block[2]
		want, known := walkthroughOutput[name]
		if !known {
			t.Fatalf("README block %q: the test does not know what it shows; add it to walkthroughOutput", name)
		}
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("README block %q failed: %v\n%s\n%s", name, err, out, m.log())
		}
		for _, w := range want {
			if !strings.Contains(string(out), w) {
				t.Errorf("README block %q: the output lacks %q:\n%s", name, w, out)
			}
		}
	}
	// The walkthroughs clean up after themselves: only the local mode's
	// folder and the binaries are left.
	left, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		if e.Name() != "bin" && e.Name() != ".porch" {
			t.Errorf("the README's walkthroughs left %s behind", e.Name())
		}
	}
}
