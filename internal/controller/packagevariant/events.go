package packagevariant

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// event tells users what the variant did to its revisions.
func (r *Reconciler) event(s *scope, reason, format string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(s.pv, nil, corev1.EventTypeNormal, reason, reason, format, args...)
	}
}

// asConflict turns a create that lost a race (the name is taken since the
// cache was read) into a conflict, which is retried, not reported.
func asConflict(err error) error {
	if apierrors.IsAlreadyExists(err) {
		return apierrors.NewConflict(schema.GroupResource{Group: "porch.kpt.dev", Resource: "packagerevisions"}, "", fmt.Errorf("%w", err))
	}
	return err
}
