package packagevariant

import (
	"context"
	"fmt"
	"maps"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variant"
)

// mutateDrafts gives each Draft target the variant's labels and
// annotations, and its resources the variant's mutations: package context,
// pipeline functions and injections. Resources are written only when the
// mutations change them, so a second reconcile changes nothing. A Proposed
// revision's content is fixed, and is left as it is.
func (r *Reconciler) mutateDrafts(ctx context.Context, s *scope) error {
	for _, pr := range s.targets {
		if pr.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecycleDraft || s.pending != "" {
			continue
		}
		if err := r.labelRevision(ctx, s, pr); err != nil {
			return err
		}
		if err := r.mutateResources(ctx, s, pr); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reconciler) labelRevision(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) error {
	before := pr.DeepCopy()
	if !withMetadata(pr, s.pv) {
		return nil
	}
	return r.Patch(ctx, pr, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner)
}

// mutateResources writes the mutated content of a Draft, once its task
// ran and no edit of it is being carried out.
func (r *Reconciler) mutateResources(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) error {
	if !done(pr) {
		s.pending = notDone(pr)
		return nil
	}
	prr, err := r.resourcesOf(ctx, s, pr)
	if err != nil || prr == nil {
		return err
	}
	base := cad.Package(prr.Status.Resources)
	want, err := r.mutated(ctx, s, base)
	if err != nil || maps.Equal(want, base) {
		return err
	}
	prr.Spec.Resources = want
	if err := r.Update(ctx, prr, FieldOwner); err != nil {
		return err
	}
	r.report.Event(s.pv, "Mutated", "wrote the mutations of the PackageVariant to %s", pr.Name)
	s.pending = fmt.Sprintf("the mutations of %s are being rendered", pr.Name)
	return nil
}

// mutationsCurrent says whether a Published target's content already holds
// the variant's mutations.
func (r *Reconciler) mutationsCurrent(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) (bool, error) {
	prr, err := r.resourcesOf(ctx, s, pr)
	if err != nil || prr == nil {
		return true, err
	}
	base := cad.Package(prr.Status.Resources)
	want, err := r.mutated(ctx, s, base)
	return err == nil && maps.Equal(want, base), err
}

// resourcesOf reads a target's resources, uncached (the manager does not
// cache their content), and notes their render status. It returns none
// while an edit of them is being carried out, which it notes as pending.
func (r *Reconciler) resourcesOf(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) (*porchv1alpha1.PackageRevisionResources, error) {
	prr := &porchv1alpha1.PackageRevisionResources{}
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(pr), prr); err != nil {
		return nil, err
	}
	if prr.Status.RenderStatus != nil {
		s.renderStatus[pr.Name] = *prr.Status.RenderStatus
	}
	if prr.Generation != prr.Status.ObservedGeneration {
		s.pending = fmt.Sprintf("an edit of %s is being carried out", pr.Name)
		return nil, nil
	}
	return prr, nil
}

// mutated is base with the variant's mutations applied.
func (r *Reconciler) mutated(ctx context.Context, s *scope, base cad.Package) (cad.Package, error) {
	injections, err := r.injections(ctx, s, base)
	if err != nil {
		return nil, err
	}
	want, err := variant.Mutate(base, s.pv, injections)
	if err != nil {
		return nil, &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: err.Error()}
	}
	return want, nil
}

// done says whether the authoring controller has carried out the
// revision's spec: its task ran, and it is Ready.
func done(pr *porchv1alpha1.PackageRevision) bool {
	ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
	return pr.Status.ObservedGeneration == pr.Generation && ready != nil && ready.Status == metav1.ConditionTrue
}

// notDone says why a revision is not done: still being made, or what its
// Ready condition says stopped it (a render that failed, say).
func notDone(pr *porchv1alpha1.PackageRevision) string {
	ready := meta.FindStatusCondition(pr.Status.Conditions, porchv1alpha1.ConditionReady)
	if ready == nil || ready.Status == metav1.ConditionTrue || ready.ObservedGeneration != pr.Generation {
		return fmt.Sprintf("%s is being made", pr.Name)
	}
	return fmt.Sprintf("%s is not Ready (%s): %s", pr.Name, ready.Reason, ready.Message)
}
