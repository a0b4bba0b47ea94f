package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/pod"
)

// metricsShutdownTimeout bounds the wait for scrapes in flight on stop:
// the pod's grace period is short, and the gRPC server's drain comes first.
const metricsShutdownTimeout = 2 * time.Second

// newRegistry gathers the runner's metrics, and the pod evaluator's when
// it runs, in a registry of the binary's own rather than the global one,
// which libraries may fill with metrics nobody asked for.
func newRegistry(pods *pod.Evaluator) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	if err := runner.RegisterMetrics(reg); err != nil {
		return nil, err
	}
	cs := []prometheus.Collector{collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}
	if pods != nil {
		cs = append(cs, pods)
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// listenMetrics listens on addr before anything is served, so that a
// port in use fails the start rather than a later scrape; "0" is no
// metrics server, and a nil listener.
func listenMetrics(addr string) (net.Listener, error) {
	if addr == "0" {
		return nil, nil
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return lis, nil
}

// serveMetrics serves reg's metrics on /metrics of lis, in plain HTTP,
// and returns what stops it.
func serveMetrics(lis net.Listener, reg *prometheus.Registry) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(lis); !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "runner: metrics:", err)
		}
	}()
	fmt.Fprintf(os.Stderr, "runner: metrics on %s\n", lis.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), metricsShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
	}
}
