package packagevariantset

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variantset"
)

// scope is what one reconcile of a set reads and decides.
type scope struct {
	pvs    *configv1alpha1.PackageVariantSet
	status *outcome.Patcher

	// templates are the compiled templates, one per target entry.
	templates []*variantset.Template
	upstream  *porchv1alpha1.PackageRevision
	// targets are what the target entries select, each with the variables
	// its template is evaluated with.
	targets []target
	// variants are the PackageVariants the targets ask for, by name, in
	// the order of the targets.
	variants []*configv1alpha1.PackageVariant
	// selectsObjects says that a target selects objects by label, which
	// are listed, not watched.
	selectsObjects bool
}

// target is one thing a target entry selected.
type target struct {
	entry int
	vars  variantset.Vars
}

func (r *Reconciler) load(ctx context.Context, key types.NamespacedName) (*scope, error) {
	pvs := &configv1alpha1.PackageVariantSet{}
	if err := r.Get(ctx, key, pvs); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	if pvs.Spec.Upstream != nil {
		if owned, err := r.Shard.Owns(ctx, r.Client, pvs.Namespace, pvs.Spec.Upstream.Repo); err != nil || !owned {
			return nil, err
		}
	}
	return &scope{pvs: pvs, status: outcome.NewPatcher(pvs, FieldOwner)}, nil
}

// ending is how a reconcile of the set ends (see done).
func (s *scope) ending() outcome.Ending {
	return outcome.Ending{Object: s.pvs, Status: s.status, Conditions: &s.pvs.Status.Conditions, Done: s.done,
		Failed: configv1alpha1.ReasonError, Actionable: configv1alpha1.ReasonReady}
}

// resync is the result of a reconcile that went well: a set selecting
// objects is looked at again later, as its objects are not watched.
func (s *scope) resync(every time.Duration) ctrl.Result {
	if s.selectsObjects {
		return ctrl.Result{RequeueAfter: outcome.Jitter(every)}
	}
	return ctrl.Result{}
}
