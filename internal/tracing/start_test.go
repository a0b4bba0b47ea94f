package tracing

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/porch-dev/porch/internal/tracing/tracingtest"
)

// setenv sets the OTLP variables the tests use, and clears the others.
func setenv(t *testing.T, vars map[string]string) {
	for _, name := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"} {
		t.Setenv(name, vars[name])
	}
}

func TestStartWithoutEndpointRecordsNothing(t *testing.T) {
	setenv(t, nil)
	shutdown, err := Start(context.Background(), "porch-manager", logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = shutdown(context.Background()) }()
	_, span := Tracer().Start(context.Background(), "step")
	defer span.End()
	if span.IsRecording() {
		t.Error("a span records with no OTLP endpoint set")
	}
}

// Each protocol exports to an in-process receiver, which sees the span
// under the service's name, or under OTEL_SERVICE_NAME when set.
func TestStartExports(t *testing.T) {
	for _, tc := range []struct {
		protocol, service string
		receiver          func(testing.TB) *tracingtest.Receiver
	}{
		{protocol: "", receiver: tracingtest.NewHTTP, service: "porch-manager"},
		{protocol: "http/protobuf", receiver: tracingtest.NewHTTP, service: "porch-manager"},
		{protocol: "grpc", receiver: tracingtest.NewGRPC, service: "porch-manager"},
		{protocol: "grpc", receiver: tracingtest.NewGRPC, service: "porch-east"},
	} {
		t.Run(tc.protocol+"/"+tc.service, func(t *testing.T) {
			t.Cleanup(func() { otel.SetTracerProvider(noop.NewTracerProvider()) })
			r := tc.receiver(t)
			env := map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": r.Endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": tc.protocol}
			if tc.service != "porch-manager" {
				env["OTEL_SERVICE_NAME"] = tc.service
			}
			setenv(t, env)
			shutdown, err := Start(context.Background(), "porch-manager", logr.Discard())
			if err != nil {
				t.Fatal(err)
			}
			_, span := Tracer().Start(context.Background(), "step")
			End(span, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := shutdown(ctx); err != nil {
				t.Fatalf("flushing: %v", err)
			}
			spans := r.Spans()
			if len(spans) != 1 || spans[0].GetName() != "step" || spans[0].Service != tc.service {
				t.Fatalf("received %v, want one span step of %s", spans, tc.service)
			}
		})
	}
}

func TestStartRefusesUnknownProtocol(t *testing.T) {
	setenv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"})
	_, err := Start(context.Background(), "porch-manager", logr.Discard())
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_PROTOCOL") || !strings.Contains(err.Error(), "http/json") {
		t.Fatalf("Start = %v, want an error naming OTEL_EXPORTER_OTLP_PROTOCOL and http/json", err)
	}
}

func TestEnabled(t *testing.T) {
	for env, want := range map[string]bool{
		"":                                    false,
		"OTEL_EXPORTER_OTLP_ENDPOINT":         true,
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":  true,
		"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": false,
	} {
		setenv(t, map[string]string{env: "http://collector:4318"})
		if got := Enabled(); got != want {
			t.Errorf("Enabled with %s set = %v, want %v", env, got, want)
		}
	}
}
