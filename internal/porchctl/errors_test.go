package porchctl

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestEachReportsEveryName(t *testing.T) {
	var out, errOut bytes.Buffer
	err := Each(&out, &errOut, []string{"a", "b", "c", "d"}, "proposed", func(name string) error {
		switch name {
		case "b":
			return AlreadyDone{Note: "is already proposed"}
		case "c":
			return fmt.Errorf("wrapped: %w", AlreadyDone{}) // plain success, as an approval of a published revision
		case "d":
			return errors.New(`admission webhook "v.porch.kpt.dev" denied the request: not allowed`)
		}
		return nil
	})
	if got, want := out.String(), "a proposed\nc proposed\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if got, want := errOut.String(), "b is already proposed\nd failed (not allowed)\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	var printed bytes.Buffer
	PrintError(&printed, err)
	if !errors.As(err, &Reported{}) || printed.Len() != 0 {
		t.Errorf("error %v, printed %q: want one failure, already reported and printed once", err, printed.String())
	}
	PrintError(&printed, errors.New("no kubeconfig"))
	if got := printed.String(); got != "Error: no kubeconfig\n" {
		t.Errorf("an error not reported yet was printed as %q", got)
	}
	if err := Each(&out, &errOut, []string{"x"}, "done", func(string) error { return AlreadyDone{Note: "is done"} }); err != nil {
		t.Errorf("a name already done is no failure, got %v", err)
	}
}

func TestPositionalArguments(t *testing.T) {
	required := Required(1, 2, "PACKAGE is a required positional argument")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "PACKAGE is a required positional argument"},
		{[]string{"a"}, ""},
		{[]string{"a", "b"}, ""},
		{[]string{"a", "b", "c"}, "too many arguments: accepts at most 2, received 3"},
	} {
		if got := errString(required(nil, tc.args)); got != tc.want {
			t.Errorf("Required(1, 2) on %q: %q, want %q", tc.args, got, tc.want)
		}
	}
	only := OnlyOne("SOURCE is required", "SOURCE is the only one")
	for args, want := range map[int]string{0: "SOURCE is required", 1: "", 2: "SOURCE is the only one"} {
		if got := errString(only(nil, make([]string, args))); got != want {
			t.Errorf("OnlyOne on %d arguments: %q, want %q", args, got, want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The API's hints name fields; at porchctl they name commands and flags.
func TestReasonNamesTheCLI(t *testing.T) {
	for msg, want := range map[string]string{
		`admission webhook "v.porch.kpt.dev" denied the request: PackageRevision "a.b.v1" is Published; start a new revision from it with an edit task`: `PackageRevision "a.b.v1" is Published; start a new revision from it with porchctl rpkg copy REVISION --workspace NEW_WORKSPACE`,
		`branch "main" not found; create the branch or set spec.git.createBranch: true`:                                                                 `branch "main" not found; create the branch or register the repository with --create-branch (porchctl repo unreg it first)`,
	} {
		if got := Reason(errors.New(msg)); got != want {
			t.Errorf("Reason(%q) = %q, want %q", msg, got, want)
		}
	}
}
