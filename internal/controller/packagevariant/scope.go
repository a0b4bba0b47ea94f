package packagevariant

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// scope is what one reconcile of a PackageVariant reads and decides.
type scope struct {
	pv     *configv1alpha1.PackageVariant
	status *outcome.Patcher

	// upstream is the published revision spec.upstream names, among the
	// revisions of its package.
	upstream          *porchv1alpha1.PackageRevision
	upstreamRevisions []*porchv1alpha1.PackageRevision
	// downstream are the revisions of the downstream package.
	downstream []*porchv1alpha1.PackageRevision
	// targets are the downstream revisions this variant keeps current:
	// its Drafts and Proposed ones, or else its latest Published one.
	targets []*porchv1alpha1.PackageRevision
	// renderStatus of each target whose resources were read, by name.
	renderStatus map[string]porchv1alpha1.RenderStatus
	// pending says that a target is still being made or edited, so that
	// the variant is not Ready yet.
	pending string
}

func (r *Reconciler) load(ctx context.Context, key types.NamespacedName) (*scope, error) {
	pv := &configv1alpha1.PackageVariant{}
	if err := r.Get(ctx, key, pv); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	if pv.Spec.Downstream != nil {
		if owned, err := r.Shard.Owns(ctx, r.Client, pv.Namespace, pv.Spec.Downstream.Repo); err != nil || !owned {
			return nil, err
		}
	}
	return &scope{pv: pv, status: outcome.NewPatcher(pv, FieldOwner), renderStatus: map[string]porchv1alpha1.RenderStatus{}}, nil
}

// ending is how a reconcile of the variant ends (see done).
func (s *scope) ending() outcome.Ending {
	return outcome.Ending{Object: s.pv, Status: s.status, Conditions: &s.pv.Status.Conditions, Done: s.done,
		Failed: configv1alpha1.ReasonError, Actionable: configv1alpha1.ReasonReady}
}

// readPackages reads the revisions of the variant's upstream and
// downstream packages.
func (r *Reconciler) readPackages(ctx context.Context, s *scope) (err error) {
	up, down := s.pv.Spec.Upstream, s.pv.Spec.Downstream
	if s.upstreamRevisions, err = r.revisionsOf(ctx, s.pv.Namespace, up.Repo, up.Package); err != nil {
		return err
	}
	s.downstream, err = r.revisionsOf(ctx, s.pv.Namespace, down.Repo, down.Package)
	return err
}

// addFinalizer lets the variant clean up its downstream revisions before
// it goes.
func (r *Reconciler) addFinalizer(ctx context.Context, s *scope) error {
	if controllerutil.ContainsFinalizer(s.pv, configv1alpha1.PackageVariantFinalizer) {
		return nil
	}
	before := s.pv.DeepCopy()
	controllerutil.AddFinalizer(s.pv, configv1alpha1.PackageVariantFinalizer)
	if err := r.Patch(ctx, s.pv, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner); err != nil {
		return err
	}
	s.status.Reset(s.pv)
	return nil
}

// ownerReference makes the variant the controller of a revision. The
// Repository the revision lives in, which mirrors it, is one more owner.
func ownerReference(pv *configv1alpha1.PackageVariant) metav1.OwnerReference {
	yes, no := true, false
	return metav1.OwnerReference{APIVersion: configv1alpha1.GroupVersion.String(), Kind: "PackageVariant",
		Name: pv.Name, UID: pv.UID, Controller: &yes, BlockOwnerDeletion: &no}
}

// control makes the variant the controller of a revision it adopts: the
// Repository's reference stays, as an owner only.
func control(pr *porchv1alpha1.PackageRevision, pv *configv1alpha1.PackageVariant) {
	for i := range pr.OwnerReferences {
		if ref := &pr.OwnerReferences[i]; ref.Controller != nil && *ref.Controller {
			no := false
			ref.Controller = &no
		}
	}
	pr.OwnerReferences = append(pr.OwnerReferences, ownerReference(pv))
}

// ownedBy says whether the revision is the variant's.
func ownedBy(pr *porchv1alpha1.PackageRevision, pv *configv1alpha1.PackageVariant) bool {
	for _, ref := range pr.OwnerReferences {
		if ref.UID == pv.UID {
			return true
		}
	}
	return false
}
