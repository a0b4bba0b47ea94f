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
	return (&repository.Reconciler{
		Client:       mgr.GetClient(),
		SecretReader: mgr.GetAPIReader(),
		Recorder:     mgr.GetEventRecorder("repository-controller"),
		Prober:       prober,
		Options:      opts.Repository,
	}).SetupWithManager(mgr)
}
