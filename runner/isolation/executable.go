package isolation

import (
	"fmt"
	"os"
	"path/filepath"
)

// ChildBinary is the name of the binary built only to be a child
// (cmd/isolated-function). It starts in a third of the time the manager's
// or the runner's binary takes, whose hundreds of packages initialise
// before main can tell it is a child: some 80 ms of CPU on every starlark
// run, on the render's path.
const ChildBinary = "isolated-function"

// Executable is the binary to start children of: ChildBinary beside this
// process's executable when there is one, else this process's executable,
// which serves as a child too when its main calls Main first.
func Executable() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding this binary: %w", err)
	}
	if self, err = filepath.EvalSymlinks(self); err != nil {
		return "", fmt.Errorf("finding this binary: %w", err)
	}
	return childOf(self), nil
}

// childOf is ChildBinary beside self if it is an executable file there,
// else self.
func childOf(self string) string {
	child := filepath.Join(filepath.Dir(self), ChildBinary)
	if info, err := os.Stat(child); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0 {
		return child
	}
	return self
}
