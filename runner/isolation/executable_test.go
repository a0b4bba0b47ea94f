package isolation

import (
	"os"
	"path/filepath"
	"testing"
)

// The child binary is taken only when it is an executable file beside the
// caller's; otherwise the caller's binary is its own child.
func TestChildOf(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "manager")
	child := filepath.Join(dir, ChildBinary)
	if got := childOf(self); got != self {
		t.Fatalf("with no %s: got %s, want %s", ChildBinary, got, self)
	}
	if err := os.Mkdir(child, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := childOf(self); got != self {
		t.Fatalf("with a directory named %s: got %s, want %s", ChildBinary, got, self)
	}
	if err := os.Remove(child); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(child, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := childOf(self); got != self {
		t.Fatalf("with a %s that is not executable: got %s, want %s", ChildBinary, got, self)
	}
	if err := os.Chmod(child, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := childOf(self); got != child {
		t.Fatalf("got %s, want %s", got, child)
	}
}
