package packagerevision

import (
	"context"
	"errors"
	"fmt"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/oci"
)

// readImageUpstream reads a package stored as the OCI image a clone task
// names (field is where: spec.tasks[0].clone.upstreamRef.oci), with the
// credentials of its secretRef, under the content limit. The registry
// answers to the same remote policy as a Repository's.
func (r *Reconciler) readImageUpstream(ctx context.Context, namespace string, spec *porchv1alpha1.OciPackage, field string) (cad.Package, cad.ImageLock, error) {
	ref, err := oci.ParseImage(spec.Image)
	if err != nil {
		return nil, cad.ImageLock{}, taskFailed("%s.image: %v", field, err)
	}
	if err := r.Options.Remotes.CheckRegistry(ctx, ref.Context().Name()); err != nil {
		if errors.Is(err, backend.ErrUnreachable) {
			return nil, cad.ImageLock{}, r.waiting(field + ".image: " + err.Error())
		}
		return nil, cad.ImageLock{}, taskFailed("%s.image: %v", field, err)
	}
	opts, err := r.imageOptions(ctx, namespace, spec.SecretRef.Name, field+".secretRef")
	if err != nil {
		return nil, cad.ImageLock{}, err
	}
	p, locked, err := oci.ReadReference(ctx, ref, opts)
	switch {
	case err == nil:
		return cad.Package(p.Files), cad.ImageLock{Image: ref.Name(), Digest: locked}, nil
	case errors.Is(err, backend.ErrSourceTooLarge):
		return nil, cad.ImageLock{}, &outcome.Stalling{Reason: porchv1alpha1.ReasonSourceTooLarge, Message: fmt.Sprintf(
			"%s.image: %v; the limit is the manager's --max-package-bytes=%d: clone a smaller package, or raise the limit and create the revision again",
			field, err, r.Options.MaxPackageBytes)}
	case errors.Is(err, backend.ErrInvalidPackage), errors.Is(err, backend.ErrRefNotFound), errors.Is(err, backend.ErrInvalidAddress):
		return nil, cad.ImageLock{}, taskFailed("%s.image: %v", field, err)
	default:
		return nil, cad.ImageLock{}, r.remoteError(err)
	}
}
