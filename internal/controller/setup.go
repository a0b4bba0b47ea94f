// Package controller wires every reconciler of the product into a manager.
package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/porch-dev/porch/internal/controller/repository"
)

// Options configure the reconcilers.
type Options struct {
	Repository repository.Options
	// RepositoryProber reaches remotes; the real one when nil.
	RepositoryProber repository.Prober
	// RepositorySyncs bounds concurrent repository syncs; one of
	// Repository.MaxConcurrentSyncs slots when nil. Tests pass their own to
	// observe it.
	RepositorySyncs *repository.SyncLimiter
}

// DefaultOptions are the reconcilers' defaults.
func DefaultOptions() Options {
	return Options{Repository: repository.DefaultOptions}
}

// SetupWithManager registers every reconciler with the manager.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	prober := opts.RepositoryProber
	if prober == nil {
		prober = repository.RemoteProber{}
	}
	syncs := opts.RepositorySyncs
	if syncs == nil {
		syncs = repository.NewSyncLimiter(opts.Repository.MaxConcurrentSyncs)
	}
	return (&repository.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("repository-controller"),
		Prober:    prober,
		Syncs:     syncs,
		Options:   opts.Repository,
	}).SetupWithManager(mgr)
}
