package repository

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/git"
)

var (
	syncsInFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "porch_repository_syncs_in_flight",
		Help: "Repository syncs fetching or writing objects right now.",
	})
	syncsWaiting = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "porch_repository_syncs_waiting",
		Help: "Repository syncs waiting for a sync slot.",
	})
	syncDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "porch_repository_sync_duration_seconds",
		Help:    "Time a repository sync took, by result: unchanged (one ref listing), synced, failed.",
		Buckets: prometheus.ExponentialBuckets(0.005, 4, 9),
	}, []string{"result"})
	// syncsByNamespace says which tenants use the shared sync slots.
	syncsByNamespace = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "porch_repository_syncs_total",
		Help: "Repository syncs, by the Repository's namespace and result: unchanged (one ref listing), synced, failed.",
	}, []string{"namespace", "result"})
	// syncWrites says which repositories' syncs load the apiserver.
	syncWrites = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "porch_repository_sync_object_writes_total",
		Help: "Creates, updates and deletes of mirrored objects made by repository syncs, by namespace and repository.",
	}, perRepository)
	// packageRevisions is status.packageCount of each Repository.
	packageRevisions = repositoryGauge("porch_repository_package_revisions", "Package revisions")
	packages         = repositoryGauge("porch_repository_packages", "Packages")
)

// perRepository are the labels of a series kept for each Repository.
var perRepository = []string{"namespace", "repository"}

// repositoryGauge is a gauge of what the last full sync of each Repository
// found: what, by namespace and repository.
func repositoryGauge(name, what string) *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: name,
		Help: what + " the last full sync of each Repository found, by namespace and repository.",
	}, perRepository)
}

func init() {
	metrics.Registry.MustRegister(syncsInFlight, syncsWaiting, syncDuration, syncsByNamespace, syncWrites, packageRevisions, packages)
	// The git transport's metrics are the syncs' and the authoring's
	// alike; the Repository controller always runs, so they are
	// registered with it.
	metrics.Registry.MustRegister(git.Collectors()...)
}

// observeSynced records what a full sync of repo found.
func observeSynced(repo *configv1alpha1.Repository, revisionCount, packageCount int) {
	packageRevisions.WithLabelValues(repo.Namespace, repo.Name).Set(float64(revisionCount))
	packages.WithLabelValues(repo.Namespace, repo.Name).Set(float64(packageCount))
}

// forgetRepository removes the series of a deleted Repository.
func forgetRepository(repo *configv1alpha1.Repository) {
	for _, vec := range []*prometheus.GaugeVec{packageRevisions, packages} {
		vec.DeleteLabelValues(repo.Namespace, repo.Name)
	}
	syncWrites.DeleteLabelValues(repo.Namespace, repo.Name)
}
