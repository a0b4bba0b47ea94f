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
	if err == nil || err.Error() != "errors:\n  not allowed" {
		t.Errorf("error %v, want the one failure listed", err)
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
