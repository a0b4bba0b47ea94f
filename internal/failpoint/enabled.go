//go:build failpoints

package failpoint

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
)

const enabled = true

// armed are the failpoints of the environment not yet fired, by
// "<package>:<point>".
var (
	mu    sync.Mutex
	armed = parse(os.Getenv(EnvVar))
)

func parse(spec string) map[string]string {
	out := map[string]string{}
	for _, item := range strings.Split(spec, ",") {
		if at, action, ok := strings.Cut(strings.TrimSpace(item), "="); ok {
			out[at] = action
		}
	}
	return out
}

// Inject fires the failpoint armed at point for ctx's package, once: it
// kills the process, or returns an error.
func Inject(ctx context.Context, point string) error {
	at := packageOf(ctx) + ":" + point
	mu.Lock()
	action, ok := armed[at]
	delete(armed, at)
	mu.Unlock()
	if !ok {
		return nil
	}
	fmt.Fprintf(os.Stderr, "failpoint %s: %s\n", at, action)
	switch action {
	case "kill":
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	case "error":
		return fmt.Errorf("failpoint %s: injected failure", at)
	}
	return nil
}
