// Package controller wires every reconciler of the product into a manager.
package controller

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/packagerevision"
	"github.com/porch-dev/porch/internal/controller/repository"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

// Options configure the reconcilers.
type Options struct {
	Repository repository.Options
	// PackageRevision tunes the authoring controller; its cache folder and
	// content limit are the Repository controller's.
	PackageRevision packagerevision.Options
	// Functions runs the functions of package pipelines: the function
	// runner's client, or the builtin functions in-process when nil.
	Functions cad.FunctionRunner
	// RepositoryProber reaches remotes; the real one when nil.
	RepositoryProber repository.Prober
	// RepositorySyncs bounds concurrent repository syncs; one of
	// Repository.MaxConcurrentSyncs slots when nil. Tests pass their own to
	// observe it.
	RepositorySyncs *repository.SyncLimiter
	// Mirrors hands out the local git mirrors to every reconciler that
	// reads or writes git, so that each folder has one Mirror and one
	// lock; created by SetupWithManager when nil.
	Mirrors *git.Mirrors
	// SyncRequests carries the syncs a reconciler asks of the Repository
	// controller after writing git; created by SetupWithManager when nil.
	SyncRequests *repository.SyncRequests
}

// DefaultOptions are the reconcilers' defaults.
func DefaultOptions() Options {
	return Options{Repository: repository.DefaultOptions, PackageRevision: packagerevision.DefaultOptions}
}

// WithShared returns the options with Mirrors and SyncRequests set,
// creating those that are nil. SetupWithManager calls it once and hands
// the same ones to every reconciler.
func (o Options) WithShared() Options {
	if o.Mirrors == nil {
		o.Mirrors = git.NewMirrors()
	}
	if o.SyncRequests == nil {
		o.SyncRequests = repository.NewSyncRequests()
	}
	return o
}

// SetupWithManager registers every reconciler with the manager.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	opts = opts.WithShared()
	prober := opts.RepositoryProber
	if prober == nil {
		prober = repository.RemoteProber{}
	}
	syncs := opts.RepositorySyncs
	if syncs == nil {
		syncs = repository.NewSyncLimiter(opts.Repository.MaxConcurrentSyncs)
	}
	if err := (&repository.Reconciler{
		Client:       mgr.GetClient(),
		APIReader:    mgr.GetAPIReader(),
		Recorder:     mgr.GetEventRecorder("repository-controller"),
		Prober:       prober,
		Syncs:        syncs,
		Mirrors:      opts.Mirrors,
		SyncRequests: opts.SyncRequests,
		Options:      opts.Repository,
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	functions := opts.Functions
	if functions == nil {
		functions = runner.NewInProcess(builtin.New())
	}
	authoring := opts.PackageRevision
	authoring.CacheDir, authoring.MaxPackageBytes = opts.Repository.CacheDir, opts.Repository.MaxPackageBytes
	return (&packagerevision.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("packagerevision-controller"),
		Functions: functions,
		Mirrors:   opts.Mirrors,
		Syncs:     opts.SyncRequests,
		Options:   authoring,
	}).SetupWithManager(mgr)
}
