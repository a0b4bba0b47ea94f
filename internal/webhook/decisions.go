package webhook

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

var decisions = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "porch_admission_decisions_total",
	Help: "Admission reviews the validating webhooks decided, by webhook, the object's namespace, operation (create, update, delete), decision (allowed, denied) and, for a denial, its reason (Invalid, Forbidden, Conflict, ...).",
}, []string{"webhook", "namespace", "operation", "decision", "reason"})

func init() {
	metrics.Registry.MustRegister(decisions)
}

// counted is a validator whose decisions are counted under name.
type counted[T runtime.Object] struct {
	name  string
	inner admission.Validator[T]
}

// countDecisions wraps v so that its decisions are counted under name.
func countDecisions[T runtime.Object](name string, v admission.Validator[T]) admission.Validator[T] {
	return &counted[T]{name: name, inner: v}
}

func (c *counted[T]) ValidateCreate(ctx context.Context, obj T) (admission.Warnings, error) {
	warnings, err := c.inner.ValidateCreate(ctx, obj)
	c.count(obj, "create", err)
	return warnings, err
}

func (c *counted[T]) ValidateUpdate(ctx context.Context, oldObj, newObj T) (admission.Warnings, error) {
	warnings, err := c.inner.ValidateUpdate(ctx, oldObj, newObj)
	c.count(newObj, "update", err)
	return warnings, err
}

func (c *counted[T]) ValidateDelete(ctx context.Context, obj T) (admission.Warnings, error) {
	warnings, err := c.inner.ValidateDelete(ctx, obj)
	c.count(obj, "delete", err)
	return warnings, err
}

func (c *counted[T]) count(obj T, operation string, err error) {
	namespace := ""
	if m, merr := meta.Accessor(obj); merr == nil {
		namespace = m.GetNamespace()
	}
	decision, reason := "allowed", ""
	if err != nil {
		decision, reason = "denied", string(apierrors.ReasonForError(err))
		if reason == "" {
			reason = "Unknown"
		}
	}
	decisions.WithLabelValues(c.name, namespace, operation, decision, reason).Inc()
}
