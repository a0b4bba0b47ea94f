package outcome

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Ending is how a controller ends each reconcile of one object: the
// object, its status as read, how its conditions follow from the steps'
// outcome, and the backoff of the races it loses.
type Ending struct {
	Client  client.Client
	Object  client.Object
	Patcher *Patcher
	// Record sets the object's conditions (and what else of its status
	// the steps decide) from their outcome.
	Record func(err error)
	Races  *Backoff
	Key    types.NamespacedName
}

// Finish records the outcome of the steps, patches the status once, and
// returns the reconcile's result: onSuccess when the steps succeeded. A
// race lost (LostRace: someone wrote first) is tried again from what the
// other wrote, later at each race lost in a row, and the conditions say
// nothing of it.
func (e Ending) Finish(ctx context.Context, err error, onSuccess ctrl.Result) (ctrl.Result, error) {
	lost := LostRace(err)
	if lost {
		err = nil
	} else {
		e.Races.Forget(e.Key)
		e.Record(err)
	}
	if perr := e.Patcher.Patch(ctx, e.Client, e.Object); perr != nil && err == nil {
		err = perr
	}
	if lost && err == nil {
		return ctrl.Result{RequeueAfter: e.Races.Retry(e.Key)}, nil
	}
	return Result(onSuccess, err)
}
