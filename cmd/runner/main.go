// Command runner serves the KRM function evaluator gRPC API
// (evaluator.FunctionEvaluator) over the builtin and exec evaluators.
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
)

func main() {
	port := flag.Int("port", 9445, "Port of the gRPC service.")
	maxMessageBytes := flag.Int("max-message-bytes", runner.DefaultMaxMessageBytes, "Largest request or response, in bytes.")
	flag.Parse()
	if err := run(*port, *maxMessageBytes); err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		os.Exit(1)
	}
}

func run(port, maxMessageBytes int) error {
	evaluators, err := buildEvaluators()
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return err
	}
	srv := runner.NewServer(evaluators, runner.WithMaxMessageBytes(maxMessageBytes))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.GracefulStop()
	}()
	fmt.Fprintf(os.Stderr, "runner: serving on %s\n", lis.Addr())
	return srv.Serve(lis)
}
