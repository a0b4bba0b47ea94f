// Package reconcile holds the mechanics every reconciler shares: typed errors
// that decide the result of a reconcile, and the once-per-reconcile status patch.
package outcome

import (
	"errors"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
)

// Stalling means the spec must change before anything can progress: the
// condition says why, and the object is not requeued.
type Stalling struct {
	Reason  string
	Message string
}

func (e *Stalling) Error() string { return e.Message }

// Waiting means something outside the spec must change (a remote, a Secret);
// the object is checked again after RequeueAfter.
type Waiting struct {
	Reason       string
	Message      string
	RequeueAfter time.Duration
}

func (e *Waiting) Error() string { return e.Message }

// Result turns the outcome of the steps into controller-runtime's result:
// a Stalling error stops, a Waiting one requeues later, any other error goes
// back to the rate limiter, and success keeps the given result.
func Result(onSuccess ctrl.Result, err error) (ctrl.Result, error) {
	var stalling *Stalling
	var waiting *Waiting
	switch {
	case err == nil:
		return onSuccess, nil
	case errors.As(err, &stalling):
		return ctrl.Result{}, nil
	case errors.As(err, &waiting):
		return ctrl.Result{RequeueAfter: waiting.RequeueAfter}, nil
	default:
		return ctrl.Result{}, err
	}
}
