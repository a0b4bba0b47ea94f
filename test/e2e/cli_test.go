package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/porch-dev/porch/internal/controlplane"
)

// cliCase is one golden case of test/e2e/cli/testdata/<case>/config.yaml:
// commands run one after the other, each with the stdout, stderr and exit
// code it must give.
//
// In args and expected output, ${GIT} stands for the local git server's
// address, ${GITDIR} for the folder of its repositories and ${NAMESPACE}
// for the case's namespace, which the case's
// kubeconfig makes the default one. "porchctl" runs the binary built from
// this checkout, also in a shell (sh -c '... | porchctl ...').
type cliCase struct {
	Commands []cliCommand `json:"commands"`
}

type cliCommand struct {
	Args     []string `json:"args"`
	Stdout   string   `json:"stdout"`
	Stderr   string   `json:"stderr"`
	ExitCode int      `json:"exitCode"`
}

// TestCLI runs every golden case against the local mode: control plane,
// manager with its webhooks and the builtin function runner, and the
// loopback git server; one namespace per case.
func TestCLI(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	cases, err := filepath.Glob("cli/testdata/*/config.yaml")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases in cli/testdata: %v", err)
	}
	bin := t.TempDir()
	buildCommands(t, bin, "manager", "isolated-function", "porchctl")
	dir := t.TempDir()
	m := startLocal(t, filepath.Join(bin, "manager"), dir)
	defer m.interrupt(t)
	gitURL, err := os.ReadFile(filepath.Join(dir, "git-url"))
	if err != nil {
		t.Fatal(err)
	}
	ociURL, err := os.ReadFile(filepath.Join(dir, "oci-url"))
	if err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, filepath.Join(dir, "kubeconfig"))
	for _, file := range cases {
		name := filepath.Base(filepath.Dir(file))
		t.Run(name, func(t *testing.T) {
			ns := "cli-" + name
			if err := c.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
				t.Fatal(err)
			}
			vars := strings.NewReplacer("${GIT}", strings.TrimSpace(string(gitURL)), "${GITDIR}", filepath.Join(dir, "git"), "${NAMESPACE}", ns,
				"${OCI}", strings.TrimSpace(string(ociURL)))
			kubeconfig := kubeconfigIn(t, filepath.Join(dir, "kubeconfig"), ns)
			runCase(t, file, bin, kubeconfig, vars)
		})
	}
}

func runCase(t *testing.T, file, bin, kubeconfig string, vars *strings.Replacer) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var c cliCase
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	work := t.TempDir()
	for i, command := range c.Commands {
		args := make([]string, len(command.Args))
		for j, a := range command.Args {
			args[j] = vars.Replace(a)
		}
		if args[0] == "porchctl" {
			args[0] = filepath.Join(bin, "porchctl")
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "PATH="+toolPath(bin))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("command %d %q: %v", i, command.Args, err)
		}
		what := strings.Join(command.Args, " ")
		if got, want := stdout.String(), vars.Replace(command.Stdout); got != want {
			t.Errorf("command %d `%s`: stdout\n%s\nwant\n%s", i, what, got, want)
		}
		if got, want := stderr.String(), vars.Replace(command.Stderr); got != want {
			t.Errorf("command %d `%s`: stderr\n%s\nwant\n%s", i, what, got, want)
		}
		if code != command.ExitCode {
			t.Errorf("command %d `%s`: exit code %d, want %d", i, what, code, command.ExitCode)
		}
		if t.Failed() {
			return // later commands build on this one
		}
	}
}

// kubeconfigIn writes a copy of kubeconfig whose context defaults to namespace.
func kubeconfigIn(t *testing.T, kubeconfig, namespace string) string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Contexts[cfg.CurrentContext].Namespace = namespace
	out := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// toolPath is the PATH the cases' commands run with: the commands built for
// the test first, then the kubectl built with the control plane (of the
// apiserver's version, and there on a machine that has none), then the
// machine's.
func toolPath(bin string) string {
	return strings.Join([]string{bin, os.Getenv(controlplane.AssetsEnv), os.Getenv("PATH")}, string(filepath.ListSeparator))
}
