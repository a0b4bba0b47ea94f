package packagevariantset

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variantset"
)

// renderVariants evaluates each target's template into the PackageVariant
// it asks for, named <set>-<repo>-<package>. Two targets asking for the
// same downstream package make one PackageVariant: the first.
func renderVariants(s *scope) error {
	seen := map[string]bool{}
	s.variants = nil
	for _, t := range s.targets {
		spec, err := s.templates[t.entry].Spec(s.pvs.Spec.Upstream, t.vars)
		if err != nil {
			return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: err.Error()}
		}
		name := variantset.PackageVariantName(s.pvs.Name, spec.Downstream.Repo, spec.Downstream.Package)
		if seen[name] {
			continue
		}
		seen[name] = true
		s.variants = append(s.variants, &configv1alpha1.PackageVariant{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: s.pvs.Namespace,
				Labels:          map[string]string{configv1alpha1.PackageVariantSetLabel: string(s.pvs.UID)},
				OwnerReferences: []metav1.OwnerReference{controllerReference(s.pvs)}},
			Spec: spec,
		})
	}
	return nil
}

// applyVariants creates the PackageVariants the set asks for and lacks,
// updates in place those whose spec differs (a variant is never deleted
// and made again, which would let go of its downstream revisions), and
// deletes those of targets that are gone.
func (r *Reconciler) applyVariants(ctx context.Context, s *scope) error {
	list := &configv1alpha1.PackageVariantList{}
	if err := r.List(ctx, list, client.InNamespace(s.pvs.Namespace),
		client.MatchingLabels{configv1alpha1.PackageVariantSetLabel: string(s.pvs.UID)}); err != nil {
		return err
	}
	existing := map[string]*configv1alpha1.PackageVariant{}
	for i := range list.Items {
		existing[list.Items[i].Name] = &list.Items[i]
	}
	for _, want := range s.variants {
		have, ok := existing[want.Name]
		delete(existing, want.Name)
		if err := r.applyVariant(ctx, s, want, have, ok); err != nil {
			return err
		}
	}
	for _, gone := range existing {
		if err := client.IgnoreNotFound(r.Delete(ctx, gone, client.Preconditions{UID: &gone.UID})); err != nil {
			return err
		}
		r.report.Event(s.pvs, "Deleted", "deleted PackageVariant %s: its target is gone", gone.Name)
	}
	if len(s.variants) == 0 {
		return &outcome.Waiting{Reason: configv1alpha1.ReasonNoMatchingTargets, Stalled: true, RequeueAfter: outcome.Jitter(r.Options.ResyncInterval),
			Message: "spec.targets: no repository or object matches them"}
	}
	return nil
}

func (r *Reconciler) applyVariant(ctx context.Context, s *scope, want, have *configv1alpha1.PackageVariant, owned bool) error {
	if !owned {
		other := &configv1alpha1.PackageVariant{}
		err := r.Get(ctx, client.ObjectKeyFromObject(want), other)
		if err == nil {
			return &outcome.Stalling{Reason: configv1alpha1.ReasonValidationError, Message: fmt.Sprintf(
				"PackageVariant %s, which a target asks for, exists and is not this set's: delete or rename it", want.Name)}
		}
		if err := client.IgnoreNotFound(err); err != nil {
			return err
		}
		if err := r.Create(ctx, want, FieldOwner); err != nil {
			return err
		}
		r.report.Event(s.pvs, "Created", "created PackageVariant %s", want.Name)
		return nil
	}
	if equality.Semantic.DeepEqual(have.Spec, want.Spec) {
		return nil
	}
	before := have.DeepCopy()
	have.Spec = want.Spec
	if err := r.Patch(ctx, have, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}), FieldOwner); err != nil {
		return err
	}
	r.report.Event(s.pvs, "Updated", "updated PackageVariant %s", have.Name)
	return nil
}

// controllerReference makes the set the controller of its variants, so
// that they go with it.
func controllerReference(pvs *configv1alpha1.PackageVariantSet) metav1.OwnerReference {
	yes := true
	return metav1.OwnerReference{APIVersion: configv1alpha1.GroupVersion.String(), Kind: "PackageVariantSet",
		Name: pvs.Name, UID: pvs.UID, Controller: &yes, BlockOwnerDeletion: &yes}
}
