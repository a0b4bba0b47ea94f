// Command runner serves the KRM function evaluator gRPC API
// (evaluator.FunctionEvaluator) over the builtin, exec and pod evaluators.
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
	"github.com/porch-dev/porch/runner/isolation"
)

func main() {
	// A child running one isolated function serves it and exits here.
	isolation.Main(os.Args)
	f := parseFlags(flag.CommandLine, os.Args[1:])
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	evaluators, pods, err := buildEvaluators(f)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if pods != nil {
		if err := pods.Start(ctx); err != nil {
			return err
		}
		defer func() { _ = pods.Close() }()
	}
	reg, err := newRegistry(pods)
	if err != nil {
		return err
	}
	opts := []runner.Option{runner.WithMaxMessageBytes(f.maxMessageBytes), runner.WithCallTimeout(f.functionTimeout),
		runner.WithDefaultImagePrefix(f.defaultImagePrefix)}
	if f.tlsCert != "" || f.tlsKey != "" || f.tlsClientCA != "" {
		cfg, err := runner.ServerTLS(f.tlsCert, f.tlsKey, f.tlsClientCA)
		if err != nil {
			return err
		}
		opts = append(opts, runner.WithTLS(cfg))
	}
	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", f.port))
	if err != nil {
		return err
	}
	metricsLis, err := listenMetrics(f.metricsAddr)
	if err != nil {
		_ = lis.Close()
		return err
	}
	srv := runner.NewServer(evaluators, opts...)
	go func() {
		<-ctx.Done()
		srv.GracefulStop()
	}()
	if metricsLis != nil {
		// Served until the gRPC server has drained: the calls it waits
		// for still show.
		stopMetrics := serveMetrics(metricsLis, reg)
		defer stopMetrics()
	}
	fmt.Fprintf(os.Stderr, "runner: serving on %s\n", lis.Addr())
	return srv.Serve(lis)
}
