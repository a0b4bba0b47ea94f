package packagerevision

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/tracing"
)

// startStep begins the span of an authoring step of s, the root of what
// the step does: its render, functions and git work. A reconcile with
// nothing to do for its user has no span.
func startStep(ctx context.Context, s *scope, step string) (context.Context, trace.Span) {
	if step == "" {
		return ctx, trace.SpanFromContext(ctx)
	}
	return tracing.Tracer().Start(ctx, "PackageRevision "+step, trace.WithAttributes(
		attribute.String("porch.step", step),
		attribute.String("k8s.namespace.name", s.pr.Namespace),
		attribute.String("porch.packagerevision", s.pr.Name),
		attribute.String("porch.repository", s.pr.Spec.RepositoryName),
		attribute.String("porch.package", s.pr.Spec.PackageName),
		attribute.String("porch.workspace", s.pr.Spec.WorkspaceName),
		attribute.Int64("porch.generation", s.pr.Generation),
	))
}

// startRender begins the span of a render of the package.
func startRender(ctx context.Context, s *scope, files cad.Package) (context.Context, trace.Span) {
	return tracing.Tracer().Start(ctx, "render", trace.WithAttributes(
		attribute.String("porch.package", s.pr.Spec.PackageName),
		attribute.Int("porch.render.files", len(files)),
	))
}

// startFunction begins the span of one function's run.
func startFunction(ctx context.Context, fn cad.Function, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	opts = append(opts, trace.WithAttributes(attribute.String("porch.function", functionName(fn))))
	return tracing.Tracer().Start(ctx, "function "+functionName(fn), opts...)
}
