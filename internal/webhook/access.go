package webhook

import (
	"context"

	authorizationv1 "k8s.io/api/authorization/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// +kubebuilder:rbac:groups=authorization.k8s.io,resources=subjectaccessreviews,verbs=create

// mayDo asks the apiserver, with a SubjectAccessReview, whether who may do
// what attrs describe. The webhooks ask it whenever a request would make the
// manager do, with its own rights, what the user might not do.
func mayDo(ctx context.Context, c client.Client, who caller, attrs authorizationv1.ResourceAttributes) (bool, error) {
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		ResourceAttributes: &attrs,
		User:               who.Username,
		Groups:             who.Groups,
		UID:                who.UID,
	}}
	if len(who.Extra) > 0 {
		review.Spec.Extra = make(map[string]authorizationv1.ExtraValue, len(who.Extra))
		for k, v := range who.Extra {
			review.Spec.Extra[k] = authorizationv1.ExtraValue(v)
		}
	}
	if err := c.Create(ctx, review); err != nil {
		return false, err
	}
	return review.Status.Allowed, nil
}
