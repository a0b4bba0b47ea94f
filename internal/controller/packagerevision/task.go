package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"k8s.io/apimachinery/pkg/api/meta"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/upgrade"
	"github.com/porch-dev/porch/internal/controller/credentials"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/git"
)

// taskOutput is what a task made: the package, and the commit its draft
// starts from (zero for the registered branch's head).
type taskOutput struct {
	files cad.Package
	base  string
}

// runTask runs the revision's task. A revision with no task is a new
// package, as upstream makes it.
func (r *Reconciler) runTask(ctx context.Context, s *scope) (*taskOutput, error) {
	task := porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}
	if len(s.pr.Spec.Tasks) > 0 {
		task = s.pr.Spec.Tasks[0]
	}
	switch task.Type {
	case porchv1alpha1.TaskTypeInit:
		return r.initTask(s, task.Init)
	case porchv1alpha1.TaskTypeClone:
		return r.cloneTask(ctx, s, task.Clone)
	case porchv1alpha1.TaskTypeEdit:
		return r.editTask(ctx, s, task.Edit)
	case porchv1alpha1.TaskTypeUpgrade:
		return r.upgradeTask(ctx, s, task.Upgrade)
	default:
		return nil, taskFailed("spec.tasks[0].type: %q is not a task this controller runs", task.Type)
	}
}

func (r *Reconciler) initTask(s *scope, spec *porchv1alpha1.PackageInitTaskSpec) (*taskOutput, error) {
	if spec == nil {
		spec = &porchv1alpha1.PackageInitTaskSpec{}
	}
	files, err := cad.Init(cad.InitOptions{
		Name: path.Base(s.pr.Spec.PackageName), Description: spec.Description, Keywords: spec.Keywords, Site: spec.Site,
		Subpackage: spec.Subpackage,
	})
	if err != nil {
		return nil, taskFailed("spec.tasks[0].init: %v", err)
	}
	return &taskOutput{files: files}, nil
}

func (r *Reconciler) cloneTask(ctx context.Context, s *scope, spec *porchv1alpha1.PackageCloneTaskSpec) (*taskOutput, error) {
	const field = "spec.tasks[0].clone.upstreamRef"
	var upstream cad.Package
	var origin cad.Origin
	switch u := spec.Upstream; {
	case u.UpstreamRef != nil:
		src, err := r.publishedSource(ctx, s.pr.Namespace, u.UpstreamRef.Name, field+".upstreamRef.name")
		if err != nil {
			return nil, err
		}
		upstream, origin = src.files, src.origin
	case u.Git != nil:
		if err := r.checkRemote(ctx, u.Git.Repo, field+".git.repo", porchv1alpha1.ReasonTaskFailed); err != nil {
			return nil, err
		}
		if err := stoppedAtFetchLimit(s); err != nil {
			return nil, err
		}
		files, commit, err := r.readGitUpstream(ctx, s.pr.Namespace, u.Git, field+".git")
		if err != nil {
			return nil, err
		}
		upstream = files
		// The lock is committed: it never carries credentials.
		origin = cad.GitLock{Repo: git.SafeURL(u.Git.Repo), Directory: "/" + strings.Trim(u.Git.Directory, "/"), Ref: u.Git.Ref, Commit: commit}
	case u.Oci != nil:
		if err := stoppedAtFetchLimit(s); err != nil {
			return nil, err
		}
		files, lock, err := r.readImageUpstream(ctx, s.pr.Namespace, u.Oci, field+".oci")
		if err != nil {
			return nil, err
		}
		upstream, origin = files, lock
	default:
		return nil, taskFailed("%s: name the upstream: one of git, oci and upstreamRef", field)
	}
	files, err := cad.Clone(upstream, cad.CloneOptions{
		Name: path.Base(s.pr.Spec.PackageName), Upstream: origin,
		Deployment: s.repo.Spec.Deployment, PackagePath: s.pr.Spec.PackageName,
		Strategy: kptfilev1.UpdateStrategyType(spec.Strategy),
	})
	if err != nil {
		return nil, taskFailed("%s: %v", field, err)
	}
	return &taskOutput{files: files}, nil
}

// readGitUpstream reads a package from a git repository named by URL.
func (r *Reconciler) readGitUpstream(ctx context.Context, namespace string, g *porchv1alpha1.GitPackage, field string) (cad.Package, string, error) {
	creds, err := credentials.ReadGit(ctx, r.APIReader, namespace, g.SecretRef.Name, field+".secretRef")
	if err != nil {
		return nil, "", r.remoteError(err)
	}
	files, commit, err := git.ReadPackage(ctx, git.Endpoint{URL: g.Repo, Credentials: creds}, g.Ref, g.Directory, git.ReadOptions{
		TempDir: r.cloneFetchDir(), MaxFetchBytes: r.Options.MaxCloneFetchBytes, MaxPackageBytes: r.Options.MaxPackageBytes,
	})
	switch {
	case err == nil:
		return files, commit, nil
	case errors.Is(err, backend.ErrSourceTooLarge):
		return nil, "", &outcome.Stalling{Reason: porchv1alpha1.ReasonSourceTooLarge, Message: fmt.Sprintf(
			"%s: %v; the limit is the manager's --max-clone-fetch-bytes=%d: clone a smaller repository, "+
				"a branch or tag rather than a commit no ref points at, or raise the limit and create the revision again",
			field, err, r.Options.MaxCloneFetchBytes)}
	case errors.Is(err, backend.ErrUnreachable), errors.Is(err, backend.ErrAuthentication):
		return nil, "", r.waiting(field + ": " + err.Error())
	default:
		return nil, "", taskFailed("%s: %v", field, err)
	}
}

// stoppedAtFetchLimit is the SourceTooLarge failure the revision's Ready
// condition records for its current generation, or nil. A fetch stopped
// at the limit would stop there again: it is not tried again, not after a
// status change and not after a restart, until the generation changes.
func stoppedAtFetchLimit(s *scope) error {
	c := meta.FindStatusCondition(s.pr.Status.Conditions, porchv1alpha1.ConditionReady)
	if c == nil || c.Reason != porchv1alpha1.ReasonSourceTooLarge || c.ObservedGeneration != s.pr.Generation {
		return nil
	}
	return &outcome.Stalling{Reason: c.Reason, Message: c.Message}
}

// cloneFetchDir holds the folders that clones from a git URL fetch into,
// beside the mirrors in the cache folder; the system's temporary folder
// when there is no cache folder.
func (r *Reconciler) cloneFetchDir() string {
	if r.Options.CacheDir == "" {
		return ""
	}
	return filepath.Join(r.Options.CacheDir, "clones")
}

func (r *Reconciler) editTask(ctx context.Context, s *scope, spec *porchv1alpha1.PackageEditTaskSpec) (*taskOutput, error) {
	const field = "spec.tasks[0].edit.sourceRef.name"
	if spec == nil || spec.Source == nil {
		return nil, taskFailed("%s: an edit names the published revision it starts from", field)
	}
	src, err := r.publishedSource(ctx, s.pr.Namespace, spec.Source.Name, field)
	if err != nil {
		return nil, err
	}
	if src.pr.Spec.RepositoryName != s.pr.Spec.RepositoryName || src.pr.Spec.PackageName != s.pr.Spec.PackageName {
		return nil, taskFailed("%s: %q is a revision of package %q in repository %q; an edit starts from a revision of the same package",
			field, spec.Source.Name, src.pr.Spec.PackageName, src.pr.Spec.RepositoryName)
	}
	return &taskOutput{files: cad.Edit(src.files), base: src.commit}, nil
}

func (r *Reconciler) upgradeTask(ctx context.Context, s *scope, spec *porchv1alpha1.PackageUpgradeTaskSpec) (*taskOutput, error) {
	const field = "spec.tasks[0].upgrade"
	old, err := r.publishedSource(ctx, s.pr.Namespace, spec.OldUpstream.Name, field+".oldUpstreamRef.name")
	if err != nil {
		return nil, err
	}
	updated, err := r.publishedSource(ctx, s.pr.Namespace, spec.NewUpstream.Name, field+".newUpstreamRef.name")
	if err != nil {
		return nil, err
	}
	local, err := r.publishedSource(ctx, s.pr.Namespace, spec.LocalPackageRevisionRef.Name, field+".localPackageRevisionRef.name")
	if err != nil {
		return nil, err
	}
	files, err := upgrade.UpgradeTo(old.files, updated.files, local.files, upgrade.Strategy(spec.Strategy), updated.origin)
	if err != nil {
		return nil, taskFailed("%s: %v", field, err)
	}
	return &taskOutput{files: files}, nil
}
