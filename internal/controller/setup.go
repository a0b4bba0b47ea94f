// Package controller wires every reconciler of the product into a manager.
package controller

import (
	"fmt"
	"slices"
	"strings"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/controller/packagerevision"
	"github.com/porch-dev/porch/internal/controller/packagevariant"
	"github.com/porch-dev/porch/internal/controller/packagevariantset"
	"github.com/porch-dev/porch/internal/controller/repository"
	"github.com/porch-dev/porch/internal/controller/shard"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

// Options configure the reconcilers.
type Options struct {
	Repository repository.Options
	// PackageRevision tunes the authoring controller; its cache folder,
	// content limit and remote policy are the Repository controller's.
	PackageRevision packagerevision.Options
	// PackageVariant tunes the PackageVariant controller.
	PackageVariant packagevariant.Options
	// PackageVariantSet tunes the PackageVariantSet controller.
	PackageVariantSet packagevariantset.Options
	// Reconcilers are the optional reconcilers to run, by name (see
	// OptionalReconcilers); the Repository and PackageRevision ones always
	// run.
	Reconcilers []string
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
	// Shard is the Repositories this manager owns, when several divide
	// them (--repository-selector); the zero one is all.
	Shard shard.Shard
}

// DefaultOptions are the reconcilers' defaults.
func DefaultOptions() Options {
	return Options{Repository: repository.DefaultOptions, PackageRevision: packagerevision.DefaultOptions,
		PackageVariant: packagevariant.DefaultOptions, PackageVariantSet: packagevariantset.DefaultOptions, Reconcilers: OptionalReconcilers}
}

// OptionalReconcilers name the reconcilers a manager may leave out, as
// upstream's --reconcilers does: pure API clients of the others.
var OptionalReconcilers = []string{"packagevariants", "packagevariantsets"}

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
		Shard:        opts.Shard,
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	functions := opts.Functions
	if functions == nil {
		functions = runner.NewInProcess(builtin.New())
	}
	authoring := opts.PackageRevision
	authoring.CacheDir, authoring.MaxPackageBytes = opts.Repository.CacheDir, opts.Repository.MaxPackageBytes
	authoring.Remotes = opts.Repository.Remotes
	if err := (&packagerevision.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("packagerevision-controller"),
		Functions: functions,
		Mirrors:   opts.Mirrors,
		Syncs:     opts.SyncRequests,
		Options:   authoring,
		Shard:     opts.Shard,
	}).SetupWithManager(mgr); err != nil {
		return err
	}
	optional := map[string]interface{ SetupWithManager(ctrl.Manager) error }{
		"packagevariants": &packagevariant.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Options: opts.PackageVariant,
			Shard: opts.Shard},
		"packagevariantsets": &packagevariantset.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Options: opts.PackageVariantSet,
			Shard: opts.Shard},
	}
	for _, name := range OptionalReconcilers {
		if !slices.Contains(opts.Reconcilers, name) {
			continue
		}
		if err := optional[name].SetupWithManager(mgr); err != nil {
			return fmt.Errorf("setting up the %s reconciler: %w", name, err)
		}
	}
	return nil
}

// ParseReconcilers reads a --reconcilers value: a comma-separated list of
// OptionalReconcilers, or "*" for all of them.
func ParseReconcilers(value string) ([]string, error) {
	if strings.TrimSpace(value) == "*" {
		return OptionalReconcilers, nil
	}
	var names []string
	for _, name := range strings.Split(value, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !slices.Contains(OptionalReconcilers, name) {
			return nil, fmt.Errorf("--reconcilers: unknown reconciler %q; the reconcilers are %s", name, strings.Join(OptionalReconcilers, ", "))
		}
		names = append(names, name)
	}
	return names, nil
}
