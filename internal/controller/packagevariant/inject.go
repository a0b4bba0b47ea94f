package packagevariant

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/variant"
)

// injections finds, for each injection point of the package, the
// in-cluster object that fills it: of the point's apiVersion and kind, in
// the variant's namespace, named by the first of spec.injectors that
// selects the point and exists. A point none fills has no object.
func (r *Reconciler) injections(ctx context.Context, s *scope, files cad.Package) ([]variant.Injection, error) {
	points, err := variant.InjectionPoints(files)
	if err != nil {
		return nil, err
	}
	injections := make([]variant.Injection, 0, len(points))
	for _, point := range points {
		injection := variant.Injection{Point: point}
		for _, selector := range s.pv.Spec.Injectors {
			if !point.Selects(selector) {
				continue
			}
			obj := &unstructured.Unstructured{}
			obj.SetAPIVersion(point.APIVersion)
			obj.SetKind(point.Kind)
			err := r.APIReader.Get(ctx, key(s.pv.Namespace, selector.Name), obj)
			if apierrors.IsNotFound(err) || meta.IsNoMatchError(err) {
				continue
			}
			if apierrors.IsForbidden(err) {
				// The operator may grant it (config/rbac: manager-readable).
				return nil, fmt.Errorf("spec.injectors: the manager may not get kind %q of %q in namespace %s; to let it, "+
					"label a ClusterRole granting get and list on it with %s: \"true\": %w",
					point.Kind, point.APIVersion, s.pv.Namespace, configv1alpha1.ManagerReadableLabel, err)
			}
			if err != nil {
				return nil, err
			}
			injection.Object = obj
			break
		}
		injections = append(injections, injection)
	}
	return injections, nil
}
