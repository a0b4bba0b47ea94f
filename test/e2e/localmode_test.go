// Package e2e runs the product's binaries as a user does.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
)

const readyPrefix = "Porch is ready: export KUBECONFIG="

// manager is a running bin/manager in local mode.
type manager struct {
	cmd    *exec.Cmd
	stderr *os.File
	exited chan error
	result *error
}

func buildManager(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	buildCommands(t, dir, "manager", "isolated-function")
	return filepath.Join(dir, "manager")
}

// buildCommands builds each of cmds into dir, as make build does.
func buildCommands(t *testing.T, dir string, cmds ...string) {
	t.Helper()
	for _, cmd := range cmds {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, cmd), "github.com/porch-dev/porch/cmd/"+cmd).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", cmd, err, out)
		}
	}
}

// startLocal runs the manager with --local-dir and waits for its ready line.
func startLocal(t *testing.T, bin, dir string) *manager {
	t.Helper()
	return startLocalWith(t, bin, dir, nil)
}

// startLocalWith is startLocal with env added to the manager's
// environment and args to its flags.
func startLocalWith(t *testing.T, bin, dir string, env []string, args ...string) *manager {
	t.Helper()
	stderr, err := os.CreateTemp(t.TempDir(), "manager-*.log")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"--local-dir=" + dir}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m := &manager{cmd: cmd, stderr: stderr, exited: make(chan error, 1)}
	go func() { m.exited <- cmd.Wait() }()
	// A killed manager would leave its kube-apiserver and etcd running, so a
	// test that ends early still stops it as Ctrl-C does.
	t.Cleanup(func() { m.stop() })

	lines := make(chan string)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		want := readyPrefix + filepath.Join(dir, "kubeconfig")
		if !ok || line != want {
			t.Fatalf("first stdout line = %q, want %q\n%s", line, want, m.log())
		}
		go func() { _, _ = io.Copy(io.Discard, stdout) }()
	case <-time.After(3 * time.Minute):
		t.Fatalf("no ready line within 3 minutes\n%s", m.log())
	}
	return m
}

// stop sends SIGINT, as Ctrl-C does, and waits for the manager to exit,
// killing it only if it does not stop within 90s. It returns how it exited.
func (m *manager) stop() error {
	if m.result != nil {
		return *m.result
	}
	_ = m.cmd.Process.Signal(syscall.SIGINT)
	var err error
	select {
	case err = <-m.exited:
	case <-time.After(90 * time.Second):
		_ = m.cmd.Process.Kill()
		err = fmt.Errorf("did not stop within 90s of SIGINT: %v", <-m.exited)
	}
	m.result = &err
	return err
}

// interrupt stops the manager and checks that it exited cleanly.
func (m *manager) interrupt(t *testing.T) {
	t.Helper()
	if err := m.stop(); err != nil {
		t.Fatalf("manager exited with %v after SIGINT\n%s", err, m.log())
	}
}

func (m *manager) log() string {
	data, _ := os.ReadFile(m.stderr.Name())
	return string(data)
}

func clientFor(t *testing.T, kubeconfig string) client.Client {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	c, err := controlplane.NewClient(cfg, clientgoscheme.AddToScheme, apiextensionsv1.AddToScheme, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func waitReady(t *testing.T, c client.Client, key client.ObjectKey) {
	t.Helper()
	var last string
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		repo := &configv1alpha1.Repository{}
		if err := c.Get(ctx, key, repo); err != nil {
			return false, err
		}
		cond := meta.FindStatusCondition(repo.Status.Conditions, configv1alpha1.ConditionReady)
		if cond == nil {
			return false, nil
		}
		last = fmt.Sprintf("%s %s: %s", cond.Status, cond.Reason, cond.Message)
		return cond.Status == metav1.ConditionTrue, nil
	})
	if err != nil {
		t.Fatalf("repository %s not Ready: %v (last: %s)", key, err, last)
	}
}

func TestLocalMode(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run the tests with make test")
	}
	bin := buildManager(t)
	dir := filepath.Join(t.TempDir(), ".porch")
	m := startLocal(t, bin, dir)
	c := clientFor(t, filepath.Join(dir, "kubeconfig"))
	ctx := context.Background()
	// Installed as make build installs it, starlark runs in the small
	// binary beside the manager's.
	if child := filepath.Join(filepath.Dir(bin), "isolated-function"); !strings.Contains(m.log(), child) {
		t.Errorf("the manager does not say starlark runs in %s:\n%s", child, m.log())
	}

	crds := &apiextensionsv1.CustomResourceDefinitionList{}
	if err := c.List(ctx, crds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, crd := range crds.Items {
		names = append(names, crd.Name)
	}
	want := []string{
		"packagerevisionresources.porch.kpt.dev", "packagerevisions.porch.kpt.dev", "packages.porch.kpt.dev",
		"packagevariants.config.porch.kpt.dev", "packagevariantsets.config.porch.kpt.dev", "repositories.config.porch.kpt.dev",
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("CRDs = %v, want %v", names, want)
	}

	// The first run makes the example repository and registers it, synced
	// before the ready line.
	blueprints := client.ObjectKey{Namespace: "default", Name: "blueprints"}
	waitReady(t, c, blueprints)
	examples := []string{"blueprints.app.main", "blueprints.app.v1", "blueprints.basens.main", "blueprints.basens.v1", "blueprints.gated.main", "blueprints.gated.v1"}
	waitRevisions(t, c, blueprints, examples...)
	// And the same packages as images in its registry.
	ociBlueprints := client.ObjectKey{Namespace: "default", Name: "oci-blueprints"}
	waitReady(t, c, ociBlueprints)
	images := []string{"oci-blueprints.app.latest", "oci-blueprints.app.v1", "oci-blueprints.basens.latest", "oci-blueprints.basens.v1",
		"oci-blueprints.gated.latest", "oci-blueprints.gated.v1"}
	waitRevisions(t, c, ociBlueprints, images...)
	ociURL, err := os.ReadFile(filepath.Join(dir, "oci-url"))
	if err != nil {
		t.Fatal(err)
	}
	image := &porchv1alpha1.PackageRevision{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "oci-blueprints.basens.v1"}, image); err != nil {
		t.Fatal(err)
	}

	gitURL, err := os.ReadFile(filepath.Join(dir, "git-url"))
	if err != nil {
		t.Fatal(err)
	}
	repo := &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: "demo", Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{
			Type: configv1alpha1.RepositoryTypeGit,
			Git:  &configv1alpha1.GitRepository{Repo: strings.TrimSpace(string(gitURL)) + "/demo.git", CreateBranch: true},
		},
	}
	if err := c.Create(ctx, repo); err != nil {
		t.Fatal(err)
	}
	waitReady(t, c, client.ObjectKeyFromObject(repo))
	if _, err := os.Stat(filepath.Join(dir, "git", "demo.git", "HEAD")); err != nil {
		t.Fatalf("the git server did not keep the repository under .porch/git: %v", err)
	}
	// A package pushed to the local git server is mirrored on the next sync.
	pushPackage(t, repo.Spec.Git.Repo, "basens")
	requestSync(t, c, client.ObjectKeyFromObject(repo))
	waitRevisions(t, c, client.ObjectKeyFromObject(repo), "demo.basens.main", "demo.basens.v1")
	if _, err := os.Stat(filepath.Join(dir, "cache", "git", string(repo.UID), "HEAD")); err != nil {
		t.Fatalf("the local mode keeps no git mirror under .porch/cache: %v", err)
	}
	// A user authors a package as the README shows: init, propose, approve.
	authorPackage(t, c, "demo", "app")
	m.interrupt(t)

	// A second run keeps the objects (etcd data in .porch/etcd) and serves git
	// on the same address, so Repositories registered before still point at it.
	m = startLocal(t, bin, dir)
	again, err := os.ReadFile(filepath.Join(dir, "git-url"))
	if err != nil || string(again) != string(gitURL) {
		t.Fatalf("git URL changed across restarts: %q -> %q (%v)", gitURL, again, err)
	}
	c = clientFor(t, filepath.Join(dir, "kubeconfig"))
	kept := &configv1alpha1.Repository{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(repo), kept); err != nil {
		t.Fatalf("the Repository did not survive the restart: %v", err)
	}
	if kept.UID != repo.UID {
		t.Fatalf("the Repository was recreated (uid %s -> %s), not kept", repo.UID, kept.UID)
	}
	waitRevisions(t, c, client.ObjectKeyFromObject(repo), "demo.app.main", "demo.app.v1", "demo.basens.main", "demo.basens.v1")
	// The examples are made once: the second run adds none.
	waitRevisions(t, c, blueprints, examples...)
	tags, err := exec.Command("git", "--git-dir", filepath.Join(dir, "git", "blueprints.git"), "tag").CombinedOutput()
	if err != nil || string(tags) != "app/v1\nbasens/v1\ngated/v1\n" {
		t.Fatalf("tags of the example repository after a restart: %q (%v)", tags, err)
	}
	// The registry, which keeps images in memory, comes back on the same
	// address with the same example images: a sync finds nothing moved,
	// and the mirrored revisions are the same objects.
	if again, err := os.ReadFile(filepath.Join(dir, "oci-url")); err != nil || string(again) != string(ociURL) {
		t.Fatalf("OCI registry address changed across restarts: %q -> %q (%v)", ociURL, again, err)
	}
	requestSync(t, c, ociBlueprints)
	waitReady(t, c, ociBlueprints)
	waitRevisions(t, c, ociBlueprints, images...)
	keptImage := &porchv1alpha1.PackageRevision{}
	if err := c.Get(ctx, client.ObjectKeyFromObject(image), keptImage); err != nil || keptImage.UID != image.UID {
		t.Fatalf("the mirrored image revision was not kept across a restart (uid %s -> %s): %v", image.UID, keptImage.UID, err)
	}
	// The restarted manager serves the webhook, which refuses a second
	// Repository over the same branch...
	second := &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: "demo-again", Namespace: "default"},
		Spec:       configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: repo.Spec.Git.Repo}},
	}
	if err := c.Create(ctx, second); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), `Repository "demo" in this namespace already registers`) {
		t.Fatalf("a Repository overlapping demo was not refused: %v\n%s", err, m.log())
	}
	// ...and the same remote, registered on another branch, is checked by the restarted manager.
	second.Spec.Git.Branch, second.Spec.Git.CreateBranch = "second", true
	if err := c.Create(ctx, second); err != nil {
		t.Fatal(err)
	}
	waitReady(t, c, client.ObjectKeyFromObject(second))
	m.interrupt(t)
}
