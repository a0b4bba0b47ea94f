package tracing

import (
	"context"
	"fmt"
	"os"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Start installs, when the environment asks for export (see Enabled), a
// global tracer provider exporting in batches with OTLP to where it says,
// over the protocol it names, as service unless OTEL_SERVICE_NAME names
// another. The exporters read the rest of the standard variables
// themselves (headers, TLS, timeouts, compression), and the provider the
// sampler's.
// shutdown flushes what is left; it is a no-op when nothing was started.
func Start(ctx context.Context, service string, log logr.Logger) (shutdown func(context.Context) error, err error) {
	shutdown = func(context.Context) error { return nil }
	if !Enabled() {
		return shutdown, nil
	}
	exporter, err := newExporter(ctx)
	if err != nil {
		return shutdown, err
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", service)),
		resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost())
	if err != nil {
		return shutdown, fmt.Errorf("describing the traces' resource: %w", err)
	}
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	// A collector that is down must not stop the work: its errors are
	// logged, and spans are dropped.
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Error(err, "Exporting traces failed") }))
	log.Info("Exporting traces with OTLP", "protocol", protocol(), "endpoint", endpoint())
	return provider.Shutdown, nil
}

// Enabled says whether the environment names an OTLP endpoint for traces.
func Enabled() bool {
	return endpoint() != ""
}

func endpoint() string {
	return firstSet("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
}

// protocol is the OTLP protocol the environment names; http/protobuf, the
// specification's default, when it names none.
func protocol() string {
	if p := firstSet("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"); p != "" {
		return p
	}
	return "http/protobuf"
}

func newExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	switch p := protocol(); p {
	case "grpc":
		return otlptracegrpc.New(ctx)
	case "http/protobuf":
		return otlptracehttp.New(ctx)
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL %q is not supported: use grpc or http/protobuf", p)
	}
}

func firstSet(names ...string) string {
	for _, name := range names {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}
