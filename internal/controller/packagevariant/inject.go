package packagevariant

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/porch-dev/porch/internal/cad"
	variant "github.com/porch-dev/porch/internal/packagevariant"
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
