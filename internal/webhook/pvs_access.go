package webhook

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mayListIn asks whether the caller may list the resource in the
// namespace: what a PackageVariantSet that selects objects of that
// resource lets its creator see through the manager.
func mayListIn(ctx context.Context, c client.Client, who caller, namespace string, resource schema.GroupVersionResource) (bool, error) {
	allowed, err := mayDo(ctx, c, who, authorizationv1.ResourceAttributes{
		Namespace: namespace, Verb: "list",
		Group: resource.Group, Version: resource.Version, Resource: resource.Resource,
	})
	if err != nil {
		return false, fmt.Errorf("asking whether %q may list %s in %s: %w", who.Username, resource.GroupResource(), namespace, err)
	}
	return allowed, nil
}
