package repository

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/controller/credentials"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/oci"
)

// Prober reaches the remote behind a Repository.
type Prober interface {
	// ListRefs lists the remote's branches and tags; none for an empty repository.
	ListRefs(ctx context.Context, ep git.Endpoint) ([]*plumbing.Reference, error)
	// CreateBranch creates the branch with an initial commit and returns it.
	CreateBranch(ctx context.Context, ep git.Endpoint, branch string, author git.Signature, readme string) (string, error)
}

// RemoteProber is the Prober that talks to real remotes.
type RemoteProber struct{}

// ListRefs lists the remote's refs with go-git, in one round trip.
func (RemoteProber) ListRefs(ctx context.Context, ep git.Endpoint) ([]*plumbing.Reference, error) {
	return git.ListRemoteRefs(ctx, ep)
}

// CreateBranch pushes a new branch with go-git, never forcing.
func (RemoteProber) CreateBranch(ctx context.Context, ep git.Endpoint, branch string, author git.Signature, readme string) (string, error) {
	h, err := git.CreateBranch(ctx, ep, branch, author, readme)
	return h.String(), err
}

// probe checks that the manager may reach the remote for users, reads the
// credentials and checks the remote, creating the branch when the spec
// asks for it.
func (r *Reconciler) probe(ctx context.Context, s *scope) error {
	ctx, cancel := context.WithTimeout(ctx, r.Options.ProbeTimeout)
	defer cancel()
	repo := s.repo
	switch {
	case repo.Spec.Type == configv1alpha1.RepositoryTypeGit && repo.Spec.Git != nil:
		creds, err := r.reach(ctx, repo, r.Options.Remotes.Check, "spec.git.repo", repo.Spec.Git.Repo, "spec.git.secretRef", repo.Spec.Git.SecretRef, credentials.ReadGit)
		if err != nil {
			return err
		}
		return r.probeGit(ctx, s, git.Endpoint{URL: repo.Spec.Git.Repo, Credentials: creds})
	case repo.Spec.Type == configv1alpha1.RepositoryTypeOCI && repo.Spec.Oci != nil:
		creds, err := r.reach(ctx, repo, r.Options.Remotes.CheckRegistry, "spec.oci.registry", repo.Spec.Oci.Registry, "spec.oci.secretRef", repo.Spec.Oci.SecretRef, credentials.Read)
		if err != nil {
			return err
		}
		return r.probeRegistry(ctx, s, creds)
	default:
		return &outcome.Stalling{Reason: configv1alpha1.ReasonInvalidSpec,
			Message: fmt.Sprintf("spec.type %q needs the matching spec.%s block", repo.Spec.Type, repo.Spec.Type)}
	}
}

// probeGit lists the remote's refs, which is all a sync needs to know
// whether anything changed, and finds the registered branch among them.
func (r *Reconciler) probeGit(ctx context.Context, s *scope, ep git.Endpoint) error {
	branch := s.repo.Branch()
	refs, err := r.Prober.ListRefs(ctx, ep)
	if err != nil {
		return r.wrap(err)
	}
	hash, found := branchHash(refs, branch)
	if !found && s.repo.Spec.Git.CreateBranch && s.repo.Status.ObservedBranch == branch {
		return &outcome.Waiting{Reason: configv1alpha1.ReasonBranchNotFound, RequeueAfter: outcome.Jitter(r.Options.RetryInterval),
			Message: fmt.Sprintf("the branch %q of %s was there and is gone; spec.git.createBranch does not create it again, "+
				"since every package revision mirrored from it would be deleted with it: push the branch back, "+
				"or, to start afresh from an empty branch, delete the Repository and create it again", branch, git.SafeURL(ep.URL))}
	}
	if !found && s.repo.Spec.Git.CreateBranch {
		if _, err := r.Prober.CreateBranch(ctx, ep, branch, author(s.repo), readme(s.repo)); err != nil {
			return r.wrap(err)
		}
		s.created = true
		if refs, err = r.Prober.ListRefs(ctx, ep); err != nil {
			return r.wrap(err)
		}
		hash, found = branchHash(refs, branch)
	}
	if !found {
		what := "has no branch"
		if len(refs) == 0 {
			what = "is empty, so it has no branch"
		}
		return r.wrap(fmt.Errorf("%w: the repository %s %s %q", backend.ErrBranchNotFound, git.SafeURL(ep.URL), what, branch))
	}
	s.endpoint, s.branchHash, s.refsHash = ep, hash, git.RefsHash(refs)
	return nil
}

// probeRegistry checks the registry, then lists where every revision tag
// points, which is all a sync needs to know whether anything changed: one
// Store, whose transports the listing reuses.
func (r *Reconciler) probeRegistry(ctx context.Context, s *scope, creds backend.Credentials) error {
	opts, err := oci.OptionsFor(creds)
	if err != nil {
		return r.wrap(err)
	}
	opts.MaxPackageBytes = r.Options.MaxPackageBytes
	store, err := oci.NewStore(s.repo.Spec.Oci.Registry, opts)
	if err != nil {
		return r.wrap(err)
	}
	if err := store.Probe(ctx); err != nil {
		return r.wrap(err)
	}
	listing, err := store.List(ctx, r.Options.WriteWorkers)
	if err != nil {
		return r.wrap(err)
	}
	s.registry, s.refsHash = store, listing.Hash()
	return nil
}

func branchHash(refs []*plumbing.Reference, branch string) (string, bool) {
	name := plumbing.NewBranchReferenceName(branch)
	for _, ref := range refs {
		if ref.Name() == name {
			return ref.Hash().String(), true
		}
	}
	return "", false
}

// reach checks that the manager may reach address (the remote policy's
// check), which addressField names, and reads the credentials of the
// Secret secretField names; no name means anonymous. A Secret a user must
// fix is waited for.
func (r *Reconciler) reach(ctx context.Context, repo *configv1alpha1.Repository, check func(context.Context, string) error,
	addressField, address, secretField string, secret configv1alpha1.SecretRef,
	read func(context.Context, client.Reader, string, string, string) (backend.Credentials, error)) (backend.Credentials, error) {
	if err := check(ctx, address); err != nil {
		return backend.Credentials{}, r.wrap(fmt.Errorf("%s: %w", addressField, err))
	}
	creds, err := read(ctx, r.APIReader, repo.Namespace, secret.Name, secretField)
	if errors.Is(err, credentials.ErrSecret) {
		return creds, &outcome.Waiting{Reason: configv1alpha1.ReasonSecretNotFound, RequeueAfter: outcome.Jitter(r.Options.RetryInterval), Message: err.Error(), Err: err}
	}
	return creds, err
}

// wrap turns an adapter's failure into a Waiting error with the matching reason:
// each of these can be fixed outside the spec (a Secret, the remote), so retry.
func (r *Reconciler) wrap(err error) error {
	if err == nil {
		return nil
	}
	reason := configv1alpha1.ReasonError
	switch {
	case errors.Is(err, backend.ErrAuthentication):
		reason = configv1alpha1.ReasonAuthenticationFailed
	case errors.Is(err, backend.ErrBranchNotFound):
		reason = configv1alpha1.ReasonBranchNotFound
		err = fmt.Errorf("%w; create the branch or set spec.git.createBranch: true", err)
	case errors.Is(err, backend.ErrUnreachable):
		reason = configv1alpha1.ReasonUnreachable
	case errors.Is(err, backend.ErrInvalidAddress), errors.Is(err, backend.ErrRemoteRefused):
		return &outcome.Stalling{Reason: configv1alpha1.ReasonInvalidSpec, Message: err.Error()}
	}
	return &outcome.Waiting{Reason: reason, Message: err.Error(), RequeueAfter: outcome.Jitter(r.Options.RetryInterval)}
}

func author(repo *configv1alpha1.Repository) git.Signature {
	sig := git.DefaultSignature
	if repo.Spec.Git.Author != "" {
		sig.Name = repo.Spec.Git.Author
	}
	if repo.Spec.Git.Email != "" {
		sig.Email = repo.Spec.Git.Email
	}
	return sig
}

func readme(repo *configv1alpha1.Repository) string {
	text := fmt.Sprintf("# %s\n\nPackages of the repository %q, managed by Porch.\n", repo.Name, repo.Name)
	if repo.Spec.Description != "" {
		text += "\n" + repo.Spec.Description + "\n"
	}
	return text
}
