package webhook

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mayListIn asks the apiserver, with a SubjectAccessReview, whether the
// caller may list the resource in the namespace: what a PackageVariantSet
// that selects objects of that resource lets its creator see through the
// manager.
func mayListIn(ctx context.Context, c client.Client, who caller, namespace string, resource schema.GroupVersionResource) (bool, error) {
	review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
		ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: namespace, Verb: "list",
			Group: resource.Group, Version: resource.Version, Resource: resource.Resource,
		},
		User:   who.Username,
		Groups: who.Groups,
		UID:    who.UID,
	}}
	if len(who.Extra) > 0 {
		review.Spec.Extra = make(map[string]authorizationv1.ExtraValue, len(who.Extra))
		for k, v := range who.Extra {
			review.Spec.Extra[k] = authorizationv1.ExtraValue(v)
		}
	}
	if err := c.Create(ctx, review); err != nil {
		return false, fmt.Errorf("asking whether %q may list %s in %s: %w", who.Username, resource.GroupResource(), namespace, err)
	}
	return review.Status.Allowed, nil
}
