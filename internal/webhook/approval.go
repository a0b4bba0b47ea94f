package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// The apiserver calls the mutating webhook for approvals only (matchConditions),
// sparing every other update a round trip.
// +kubebuilder:webhook:path=/mutate-porch-kpt-dev-v1alpha1-packagerevision,mutating=true,failurePolicy=fail,sideEffects=None,groups=porch.kpt.dev,resources=packagerevisions,verbs=update,versions=v1alpha1,name=mpackagerevision-v1alpha1.porch.kpt.dev,admissionReviewVersions=v1,patch=`{"matchConditions":[{"name":"approval","expression":"has(oldObject.spec.lifecycle) && oldObject.spec.lifecycle == 'Proposed' && has(object.spec.lifecycle) && object.spec.lifecycle == 'Published'"}]}`

// approvalResource is what approving a revision needs: update on the
// approval subresource, as in upstream Porch, so that its RBAC roles
// (packagerevision-approver in config/rbac) keep working.
var approvalResource = authorizationv1.ResourceAttributes{
	Group:       porchv1alpha1.GroupVersion.Group,
	Version:     porchv1alpha1.GroupVersion.Version,
	Resource:    "packagerevisions",
	Subresource: "approval",
	Verb:        "update",
}

// mayApprove asks the apiserver, with a SubjectAccessReview, whether the
// caller may approve pr; when not, the error says which permission is missing.
func mayApprove(ctx context.Context, c client.Client, who caller, pr *porchv1alpha1.PackageRevision) error {
	attrs := approvalResource
	attrs.Namespace, attrs.Name = pr.Namespace, pr.Name
	allowed, err := mayDo(ctx, c, who, attrs)
	if err != nil {
		return fmt.Errorf("asking whether %q may approve: %w", who.Username, err)
	}
	if allowed {
		return nil
	}
	return apierrors.NewForbidden(revisionResource, pr.Name, fmt.Errorf(
		"spec.lifecycle: user %q may not approve (Proposed to Published): approving needs the permission update on packagerevisions/approval "+
			"in namespace %s (porch.kpt.dev), as the packagerevision-approver ClusterRole grants; editing the PackageRevision is not enough",
		who.Username, pr.Namespace))
}

// approverRecorder is the mutating webhook: on a user's approval it records
// the user in the approved-by annotation. The status cannot be written
// through the main resource (the apiserver keeps the stored status), so the
// controller that publishes the revision copies the annotation into
// status.publishedBy. The system's own writes (a sync mirroring a revision
// published elsewhere) are left alone: the system does not approve.
type approverRecorder struct {
	system systemUsers
}

var _ admission.Defaulter[*porchv1alpha1.PackageRevision] = &approverRecorder{}

// Default sets the approved-by annotation on a user's Proposed to Published update.
func (d *approverRecorder) Default(ctx context.Context, pr *porchv1alpha1.PackageRevision) error {
	req, err := admission.RequestFromContext(ctx)
	if err != nil {
		return err
	}
	// Only the stored object tells an approval apart; decode it only then.
	if req.Operation != admissionv1.Update || d.system[req.UserInfo.Username] || lifecycleOf(pr) != published {
		return nil
	}
	old := &porchv1alpha1.PackageRevision{}
	if err := json.Unmarshal(req.OldObject.Raw, old); err != nil {
		return errors.Join(errors.New("decoding the stored PackageRevision"), err)
	}
	if !isApproval(old, pr) {
		return nil
	}
	if pr.Annotations == nil {
		pr.Annotations = map[string]string{}
	}
	pr.Annotations[porchv1alpha1.ApprovedByAnnotation] = req.UserInfo.Username
	return nil
}
