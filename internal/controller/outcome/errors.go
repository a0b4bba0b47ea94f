// Package outcome is how a reconcile ends, the same way in every
// controller: a step returns a typed outcome (Stalling, Waiting, or any
// other error), from which Result makes controller-runtime's result and
// Ready (and Stalled, for the kinds that have it) the conditions users
// read; a Patcher writes the status once, at the end, with the
// controller's field owner; a Reporter ends the reconciles of the kinds
// whose conditions follow from their steps' outcome alone, and records
// their events.
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
	// Err is the failure behind it, if any, for errors.Is and errors.As.
	Err error
}

func (e *Stalling) Error() string { return e.Message }
func (e *Stalling) Unwrap() error { return e.Err }

// Waiting means something outside the object must change (a remote, a
// Secret, another object); it is checked again after RequeueAfter.
type Waiting struct {
	Reason       string
	Message      string
	RequeueAfter time.Duration
	// Stalled says that, as far as the spec goes, nothing can progress
	// (the upstream it names is not published, its targets select
	// nothing), though it is tried again in case the world changes.
	Stalled bool
	// Err is the failure behind it, if any, for errors.Is and errors.As.
	Err error
}

func (e *Waiting) Error() string { return e.Message }
func (e *Waiting) Unwrap() error { return e.Err }

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
