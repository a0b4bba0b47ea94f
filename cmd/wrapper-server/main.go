// Command wrapper-server runs in a function's pod, in place of the image's
// entrypoint: it serves the runner's gRPC API (evaluator.FunctionEvaluator,
// plus the health service the pod's readiness probe asks) and runs the
// entrypoint, given after "--", with each request's ResourceList on stdin.
//
//	wrapper-server --port 9446 -- /usr/local/bin/function
//
// The runner's pod evaluator puts it into the pod with an init container of
// the runner's own image that runs "wrapper-server --install DIR": the
// binary copies itself into a volume the function's container mounts. It
// must be built static (CGO_ENABLED=0) to run in any function image.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/exec"
)

func main() {
	f, err := parseFlags(flag.CommandLine, os.Args[1:])
	if err == nil {
		err = run(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wrapper-server:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	if f.install != "" {
		return install(f.install)
	}
	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", f.port))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, f, lis)
}

// serve answers on lis until ctx ends, then lets running calls finish.
func serve(ctx context.Context, f flags, lis net.Listener) error {
	fn := exec.NewCommand(f.command, exec.WithTimeout(f.timeout), exec.WithMaxOutputBytes(f.maxOutputBytes))
	srv := runner.NewServer([]runner.Evaluator{fn}, runner.WithMaxMessageBytes(f.maxMessageBytes))
	go func() {
		<-ctx.Done()
		srv.GracefulStop()
	}()
	fmt.Fprintf(os.Stderr, "wrapper-server: serving %q on %s\n", f.command, lis.Addr())
	return srv.Serve(lis)
}
