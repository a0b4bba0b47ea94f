package webhook

import (
	"context"

	"k8s.io/apimachinery/pkg/util/validation/field"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/oci"
)

// remoteRules hold the remotes users name to the manager's policy: http(s)
// only unless its flags widen it, no credentials in a URL, and optionally
// no private address. The controllers hold every remote to the same policy
// before they reach it; admission says so at once, naming the field.
type remoteRules struct {
	policy git.RemotePolicy
}

// repository checks a Repository's remote; one whose address did not
// change since old was checked already.
func (r remoteRules) repository(ctx context.Context, old, repo *configv1alpha1.Repository) field.ErrorList {
	spec := field.NewPath("spec")
	switch {
	case repo.Spec.Git != nil && (old == nil || old.Spec.Git == nil || old.Spec.Git.Repo != repo.Spec.Git.Repo):
		return r.gitRemote(ctx, spec.Child("git", "repo"), repo.Spec.Git.Repo)
	case repo.Spec.Oci != nil && (old == nil || old.Spec.Oci == nil || old.Spec.Oci.Registry != repo.Spec.Oci.Registry):
		if err := r.policy.CheckRegistry(ctx, repo.Spec.Oci.Registry); err != nil {
			return field.ErrorList{field.Invalid(spec.Child("oci", "registry"), repo.Spec.Oci.Registry, err.Error())}
		}
	}
	return nil
}

// clone checks the git URL or the image a revision's clone task reads.
func (r remoteRules) clone(ctx context.Context, pr *porchv1alpha1.PackageRevision) field.ErrorList {
	up := cloneUpstream(pr)
	switch {
	case up == nil:
	case up.Git != nil:
		return r.gitRemote(ctx, cloneGitPath.Child("repo"), up.Git.Repo)
	case up.Oci != nil:
		path := cloneOciPath.Child("image")
		ref, err := oci.ParseImage(up.Oci.Image)
		if err != nil {
			return field.ErrorList{field.Invalid(path, up.Oci.Image, err.Error())}
		}
		if err := r.policy.CheckRegistry(ctx, ref.Context().Name()); err != nil {
			return field.ErrorList{field.Invalid(path, up.Oci.Image, err.Error())}
		}
	}
	return nil
}

func (r remoteRules) gitRemote(ctx context.Context, path *field.Path, raw string) field.ErrorList {
	if err := r.policy.Check(ctx, raw); err != nil {
		return field.ErrorList{field.Invalid(path, git.SafeURL(raw), err.Error())}
	}
	return nil
}
