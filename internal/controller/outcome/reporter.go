package outcome

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Reporter tells users what one controller does: events as its steps act
// on their objects, and how each reconcile ended, in the object's
// conditions, patched once at the end. The races its writes lose it tells
// nothing of: it spaces out their retries.
type Reporter struct {
	client   client.Client
	recorder events.EventRecorder
	races    *Backoff
}

// NewReporter reports through c, and through recorder, which may be nil
// for no events.
func NewReporter(c client.Client, recorder events.EventRecorder) *Reporter {
	return &Reporter{client: c, recorder: recorder, races: NewConflictBackoff()}
}

// Event tells users what the controller did to (or for) obj.
func (r *Reporter) Event(obj runtime.Object, reason, format string, args ...any) {
	if r.recorder != nil {
		r.recorder.Eventf(obj, nil, corev1.EventTypeNormal, reason, reason, format, args...)
	}
}

// Ending is what a reconcile of one object ends with: the object, its
// status as read, and how its conditions follow from the steps' outcome
// (see Summarize).
type Ending struct {
	Object     client.Object
	Status     *Patcher
	Conditions *[]metav1.Condition
	// Done says what Ready says of steps that ended without error.
	Done func() Done
	// Failed and Actionable are the kind's reasons for a failure that may
	// pass and for a spec that can be acted on.
	Failed, Actionable string
}

// Finish records the outcome err of e's steps in its conditions, patches
// its status once, and returns the reconcile's result: onSuccess when the
// steps succeeded. An object being deleted keeps the conditions it had:
// its steps only let it go. A race lost (LostRace: someone wrote first) is
// tried again from what the other wrote, later at each race lost in a
// row, and the conditions say nothing of it.
func (r *Reporter) Finish(ctx context.Context, e Ending, err error, onSuccess ctrl.Result) (ctrl.Result, error) {
	key := client.ObjectKeyFromObject(e.Object)
	lost := LostRace(err)
	if lost {
		err = nil
	} else {
		r.races.Forget(key)
		if e.Object.GetDeletionTimestamp().IsZero() {
			Summarize(e.Conditions, e.Object.GetGeneration(), err, e.Done, e.Failed, e.Actionable)
		}
	}
	if perr := e.Status.Patch(ctx, r.client, e.Object); perr != nil && err == nil {
		err = perr
	}
	if lost && err == nil {
		return ctrl.Result{RequeueAfter: r.races.Retry(key)}, nil
	}
	return Result(onSuccess, err)
}
