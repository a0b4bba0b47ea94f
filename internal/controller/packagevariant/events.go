package packagevariant

import (
	corev1 "k8s.io/api/core/v1"
)

// event tells users what the variant did to its revisions.
func (r *Reconciler) event(s *scope, reason, format string, args ...any) {
	if r.Recorder != nil {
		r.Recorder.Eventf(s.pv, nil, corev1.EventTypeNormal, reason, reason, format, args...)
	}
}
