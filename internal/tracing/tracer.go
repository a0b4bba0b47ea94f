package tracing

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// instrumentation names the product's spans' scope.
const instrumentation = "github.com/porch-dev/porch"

// Tracer is the product's tracer, from the global provider that Start
// installs; until then its spans record nothing.
func Tracer() trace.Tracer { return otel.Tracer(instrumentation) }

// End ends span, marked as failed with err when err is not nil.
func End(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
