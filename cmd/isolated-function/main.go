// Command isolated-function is the child process in which the manager and
// the runner run a builtin function that runs user code (starlark), under
// a memory limit (see runner/isolation). It is built to start fast, and
// installed beside them; without it they start themselves as the child.
package main

import (
	"fmt"
	"os"

	"github.com/porch-dev/porch/runner/isolation"
)

func main() {
	isolation.Main(os.Args)
	fmt.Fprintf(os.Stderr, "%s runs functions for the manager and the runner, which start it with %s; it is not a command of its own\n",
		isolation.ChildBinary, isolation.ChildArg)
	os.Exit(2)
}
