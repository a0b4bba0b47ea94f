package main

import (
	"bytes"
	"testing"
)

// What make build records (-ldflags -X) is what version prints.
func TestVersionPrintsWhatTheBuildRecorded(t *testing.T) {
	defer func(v, c string) { version, commit = v, c }(version, commit)
	version, commit = "v1.2.3-4-gabcdef0", "abcdef0123456789"
	cmd := newVersionCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if want := "Version: v1.2.3-4-gabcdef0\nGit commit: abcdef0123456789\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
}
