package webhook

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// secretRef is a Secret a spec names at path. The manager reads it with its
// own rights and sends its credentials to the remote the spec names, so
// naming a Secret takes what reading it takes.
type secretRef struct {
	path *field.Path
	name string
}

// repositorySecrets are the Secrets a Repository names.
func repositorySecrets(r *configv1alpha1.Repository) []secretRef {
	switch {
	case r == nil:
		return nil
	case r.Spec.Git != nil:
		return []secretRef{{field.NewPath("spec", "git", "secretRef", "name"), r.Spec.Git.SecretRef.Name}}
	case r.Spec.Oci != nil:
		return []secretRef{{field.NewPath("spec", "oci", "secretRef", "name"), r.Spec.Oci.SecretRef.Name}}
	}
	return nil
}

// cloneSecrets are the Secrets a revision's clone from a git URL or an
// image names.
func cloneSecrets(pr *porchv1alpha1.PackageRevision) []secretRef {
	up := cloneUpstream(pr)
	switch {
	case up == nil:
		return nil
	case up.Git != nil:
		return []secretRef{{cloneGitPath.Child("secretRef", "name"), up.Git.SecretRef.Name}}
	case up.Oci != nil:
		return []secretRef{{cloneOciPath.Child("secretRef", "name"), up.Oci.SecretRef.Name}}
	}
	return nil
}

// cloneGitPath and cloneOciPath are where a clone task names a git
// upstream and an image.
var (
	cloneGitPath = field.NewPath("spec", "tasks").Index(0).Child("clone", "upstreamRef", "git")
	cloneOciPath = field.NewPath("spec", "tasks").Index(0).Child("clone", "upstreamRef", "oci")
)

// cloneUpstream is the upstream of pr's clone task; nil for any other task.
func cloneUpstream(pr *porchv1alpha1.PackageRevision) *porchv1alpha1.UpstreamPackage {
	if pr == nil || len(pr.Spec.Tasks) == 0 || pr.Spec.Tasks[0].Clone == nil {
		return nil
	}
	return &pr.Spec.Tasks[0].Clone.Upstream
}

// changedSecrets are the refs of now that name a Secret, another than
// before named at the same path: an update that keeps a Secret is not
// asked about it again.
func changedSecrets(before, now []secretRef) []secretRef {
	old := map[string]string{}
	for _, ref := range before {
		old[ref.path.String()] = ref.name
	}
	var changed []secretRef
	for _, ref := range now {
		if ref.name != "" && old[ref.path.String()] != ref.name {
			changed = append(changed, ref)
		}
	}
	return changed
}

// maySecrets refuses, as Forbidden to the object name of resource, refs
// naming a Secret that who may not get in namespace.
func maySecrets(ctx context.Context, c client.Client, who caller, resource schema.GroupResource, name, namespace string, refs []secretRef) error {
	for _, ref := range refs {
		allowed, err := mayDo(ctx, c, who, authorizationv1.ResourceAttributes{
			Namespace: namespace, Verb: "get", Resource: "secrets", Name: ref.name})
		if err != nil {
			return fmt.Errorf("asking whether %q may read Secret %q: %w", who.Username, ref.name, err)
		}
		if !allowed {
			return apierrors.NewForbidden(resource, name, fmt.Errorf(
				"%s: user %q may not get Secret %q in namespace %s; naming a Secret needs the permission get on it (secrets, in that namespace), "+
					"since the manager reads it and sends its credentials to the remote", ref.path, who.Username, ref.name, namespace))
		}
	}
	return nil
}
