package main_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/isolation"
)

const image = "ghcr.io/kptdev/krm-functions-catalog/starlark:v0.5"

// build builds this command into a temporary folder.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), isolation.ChildBinary)
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func script(source string) []byte {
	return []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n" +
		"functionConfig:\n  apiVersion: fn.kpt.dev/v1alpha1\n  kind: StarlarkRun\n  metadata:\n    name: s\n  source: |\n    " + source + "\n")
}

// As a child, the binary answers what the function answers in process:
// output, log and error alike, a script's budget included.
func TestAnswersAsInProcess(t *testing.T) {
	child := isolation.New(build(t), isolation.Options{StarlarkMaxSteps: 1000})
	inProcess := builtin.New(builtin.WithStarlarkMaxSteps(1000))
	for _, source := range []string{
		`print("labelled"); ctx.resource_list["items"][0]["metadata"]["labels"] = {"a": "b"}`,
		"while True: pass",
		"fail('no')",
	} {
		gotOut, gotLog, gotErr := child.Evaluate(context.Background(), image, script(source))
		wantOut, wantLog, wantErr := inProcess.Evaluate(context.Background(), image, script(source))
		if !bytes.Equal(gotOut, wantOut) || !bytes.Equal(gotLog, wantLog) || (gotErr == nil) != (wantErr == nil) ||
			(gotErr != nil && gotErr.Error() != wantErr.Error()) {
			t.Errorf("%s:\nchild: %v\n%s%s\nin process: %v\n%s%s", source, gotErr, gotOut, gotLog, wantErr, wantOut, wantLog)
		}
	}
}

// Started by hand, it says what it is for and fails.
func TestRefusesToRunAlone(t *testing.T) {
	out, err := exec.Command(build(t)).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "not a command of its own") {
		t.Fatalf("want exit code 2 and an explanation, got %v: %s", err, out)
	}
}
