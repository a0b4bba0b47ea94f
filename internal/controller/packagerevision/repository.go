package packagerevision

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/controller/credentials"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/oci"
)

// Reasons of the conditions this controller writes, besides the API's.
const (
	reasonRepositoryNotReady = "RepositoryNotReady"
	reasonConflict           = "Conflict"
)

// getRepository finds the revision's Repository. A Repository that is
// gone or being deleted takes nothing with it in git: s.repo stays nil, and
// the revision is left to go with it.
func (r *Reconciler) getRepository(ctx context.Context, s *scope) error {
	repo := &configv1alpha1.Repository{}
	key := types.NamespacedName{Namespace: s.pr.Namespace, Name: s.pr.Spec.RepositoryName}
	if err := r.Get(ctx, key, repo); err != nil {
		if apierrors.IsNotFound(err) {
			if s.pr.DeletionTimestamp.IsZero() {
				return r.waiting(fmt.Sprintf("spec.repository: Repository %q not found in namespace %q", key.Name, key.Namespace))
			}
			return nil
		}
		return err
	}
	if !repo.DeletionTimestamp.IsZero() {
		return nil
	}
	if (repo.Spec.Type != configv1alpha1.RepositoryTypeGit || repo.Spec.Git == nil) && (repo.Spec.Type != configv1alpha1.RepositoryTypeOCI || repo.Spec.Oci == nil) {
		return &outcome.Stalling{Reason: porchv1alpha1.ReasonTaskFailed,
			Message: fmt.Sprintf("spec.repository: Repository %q of type %s has no spec.%s", repo.Name, repo.Spec.Type, repo.Spec.Type)}
	}
	s.repo = repo
	return nil
}

// openRepository opens the revision's repository and reads where the
// revision stands in it.
func (r *Reconciler) openRepository(ctx context.Context, s *scope) error {
	if s.repo.Spec.Type == configv1alpha1.RepositoryTypeOCI {
		return r.openRegistry(ctx, s)
	}
	return r.openGit(ctx, s)
}

// openRegistry reaches the OCI repository's registry path with its
// Secret's credentials.
func (r *Reconciler) openRegistry(ctx context.Context, s *scope) error {
	repo := s.repo
	if err := r.Options.Remotes.CheckRegistry(ctx, repo.Spec.Oci.Registry); err != nil {
		return r.waiting("spec.repository: Repository " + repo.Name + " spec.oci.registry: " + err.Error())
	}
	images, err := r.registry(ctx, repo)
	if err != nil {
		return err
	}
	s.store = registryStore{images: images, now: time.Now}
	return r.readState(ctx, s)
}

// registry is the store of an OCI repository's images, reached with its
// Secret's credentials.
func (r *Reconciler) registry(ctx context.Context, repo *configv1alpha1.Repository) (*oci.Store, error) {
	opts, err := r.imageOptions(ctx, repo.Namespace, repo.Spec.Oci.SecretRef.Name, "spec.oci.secretRef of Repository "+repo.Name)
	if err != nil {
		return nil, err
	}
	images, err := oci.NewStore(repo.Spec.Oci.Registry, opts)
	if err != nil {
		return nil, r.remoteError(err)
	}
	return images, nil
}

// imageOptions are how images are read with the credentials of Secret
// secret of namespace (field names where it is named), under the content
// limit.
func (r *Reconciler) imageOptions(ctx context.Context, namespace, secret, field string) (oci.StoreOptions, error) {
	creds, err := credentials.Read(ctx, r.APIReader, namespace, secret, field)
	if err != nil {
		return oci.StoreOptions{}, r.remoteError(err)
	}
	opts, err := oci.OptionsFor(creds)
	if err != nil {
		return oci.StoreOptions{}, r.remoteError(err)
	}
	opts.MaxPackageBytes = r.Options.MaxPackageBytes
	return opts, nil
}

// openGit opens the mirror of the revision's git repository (shared with
// the sync).
func (r *Reconciler) openGit(ctx context.Context, s *scope) error {
	repo := s.repo
	if err := r.checkRemote(ctx, repo.Spec.Git.Repo, "spec.repository: Repository "+repo.Name+" spec.git.repo", reasonRepositoryNotReady); err != nil {
		return err
	}
	creds, err := credentials.ReadGit(ctx, r.APIReader, repo.Namespace, repo.Spec.Git.SecretRef.Name, "spec.git.secretRef of Repository "+repo.Name)
	if err != nil {
		return r.remoteError(err)
	}
	mirror, err := r.Mirrors.Open(git.MirrorDir(r.Options.CacheDir, string(repo.UID)), git.Endpoint{URL: repo.Spec.Git.Repo, Credentials: creds})
	if err != nil {
		return err
	}
	if err := mirror.FetchOnce(ctx); err != nil {
		return r.remoteError(err)
	}
	writer, err := git.NewWriter(mirror, git.WriterOptions{
		Branch: repo.Branch(), Directory: repo.Spec.Git.Directory,
		Author:      git.Signature{Name: repo.Spec.Git.Author, Email: repo.Spec.Git.Email},
		PushTimeout: r.Options.GitTimeout,
	})
	if err != nil {
		return err
	}
	s.store = gitStore{mirror: mirror, writer: writer}
	return r.readState(ctx, s)
}

// confirmAbsent fetches the mirror and reads the revision's state again,
// once per reconcile, before a step concludes for good that a branch it
// needs is not there: the mirror is fetched once per process and kept
// current by this process's own pushes, so it can lag the remote (after
// a fetch that raced a push, or a push made by another replica). It says
// whether the state was read again, for the step to decide anew.
func (r *Reconciler) confirmAbsent(ctx context.Context, s *scope) (bool, error) {
	if s.refetched {
		return false, nil
	}
	s.refetched = true
	if err := s.store.Refresh(ctx); err != nil {
		return false, r.remoteError(err)
	}
	return true, r.readState(ctx, s)
}

// readState reads where the revision stands in the mirror.
func (r *Reconciler) readState(ctx context.Context, s *scope) (err error) {
	s.state, err = s.store.State(ctx, s.pr.Spec.PackageName, s.pr.Spec.WorkspaceName)
	return err
}

// checkRemote refuses a remote the manager does not reach for users
// (Options.Remotes), which field names: for good, with reason, when the
// address is refused; later when its host does not resolve. It holds even
// for what admission never saw.
func (r *Reconciler) checkRemote(ctx context.Context, url, field, reason string) error {
	err := r.Options.Remotes.Check(ctx, url)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, backend.ErrUnreachable):
		return r.waiting(field + ": " + err.Error())
	default:
		return &outcome.Stalling{Reason: reason, Message: field + ": " + err.Error()}
	}
}

// backOffConflicts sets when a revision that lost a race in git is tried
// again: each race it loses in a row doubles the wait (see
// outcome.Backoff); any other outcome starts it over.
func (r *Reconciler) backOffConflicts(key types.NamespacedName, err error) {
	var waiting *outcome.Waiting
	if errors.As(err, &waiting) && waiting.Reason == reasonConflict {
		waiting.RequeueAfter = r.conflicts.Retry(key)
		return
	}
	r.conflicts.Forget(key)
}

// waiting is a Waiting error for something outside the revision's spec.
func (r *Reconciler) waiting(msg string) error {
	return &outcome.Waiting{Reason: reasonRepositoryNotReady, Message: msg, RequeueAfter: outcome.Jitter(r.Options.RetryInterval)}
}

// writeFailed sorts a failed write. A lost race fetches the mirror, so
// that the retry decides from the remote's new state; content the
// repository cannot hold stalls the revision with the reason.
func (r *Reconciler) writeFailed(ctx context.Context, s *scope, err error) error {
	switch {
	case errors.Is(err, backend.ErrConflict):
		if ferr := s.store.Refresh(ctx); ferr != nil {
			return r.remoteError(ferr)
		}
	case errors.Is(err, backend.ErrInvalidPackage):
		return &outcome.Stalling{Reason: porchv1alpha1.ReasonTaskFailed, Message: err.Error()}
	}
	return r.remoteError(err)
}

// remoteError sorts a failure of the repository: a lost race is retried from
// a fresh read (the mirror is fetched first) soon, and later at each race
// the revision loses again (see backOffConflicts), a remote or Secret
// problem later, and anything else goes to the rate limiter.
func (r *Reconciler) remoteError(err error) error {
	switch {
	case errors.Is(err, backend.ErrConflict):
		return &outcome.Waiting{Reason: reasonConflict, Message: err.Error(), RequeueAfter: outcome.ConflictRetryFirst}
	case errors.Is(err, backend.ErrUnreachable), errors.Is(err, backend.ErrAuthentication), errors.Is(err, credentials.ErrSecret):
		return r.waiting(err.Error())
	default:
		return err
	}
}
