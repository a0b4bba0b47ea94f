// Package tracing traces the product's work with OpenTelemetry: an
// authoring step from its reconcile through render, each function and the
// git push. Spans are exported with OTLP when the standard environment
// asks for it (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and cost nothing otherwise: the
// global tracer provider stays OpenTelemetry's no-op one.
package tracing
