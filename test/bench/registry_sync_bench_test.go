package bench

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ociregistry "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/oci"
)

// registryCounter counts what a registry serves: every request, and the
// GETs of manifests and blobs, which carry content.
type registryCounter struct {
	next                  http.Handler
	requests, contentGets atomic.Int64
}

func (c *registryCounter) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	c.requests.Add(1)
	if req.Method == http.MethodGet && (strings.Contains(req.URL.Path, "/manifests/") || strings.Contains(req.URL.Path, "/blobs/")) {
		c.contentGets.Add(1)
	}
	c.next.ServeHTTP(w, req)
}

// BenchmarkSyncLargeRegistry registers an OCI repository of 1,000 packages
// with 3 revisions each (2 published, 1 draft) in go-containerregistry's
// in-process registry, and measures the first sync, the manager's peak
// memory, and what a sync that finds no change costs: its requests to the
// registry, which pull no content, and its writes, which must be none;
// then the latency of authoring there (create, propose, and approve, the
// publication) with its p50 and p95.
// BenchmarkSyncLargeRepository is the same for git.
func BenchmarkSyncLargeRegistry(b *testing.B) {
	packages := scaled(1000)
	for range b.N {
		counter := &registryCounter{next: ociregistry.New(ociregistry.Logger(log.New(io.Discard, "", 0)))}
		srv := httptest.NewServer(counter)
		b.Cleanup(srv.Close)
		registryPath := strings.TrimPrefix(srv.URL, "http://") + "/fleet"
		seeded := time.Now()
		seedRegistry(b, registryPath, packages)
		b.Logf("seeded %d images in %v", 3*packages, time.Since(seeded))

		r := newRig(b, syncInterval(10*time.Second))
		ns := r.namespace("large")
		want := 3 * packages
		repo := &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "large", Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeOCI, Oci: &configv1alpha1.OciRepository{Registry: registryPath}}}
		if err := r.k8s.Create(context.Background(), repo); err != nil {
			b.Fatal(err)
		}
		initial := r.waitFor("all package revisions present", 15*time.Minute, func() bool { return r.synced(repo, want) })
		if got := r.count(ns, &metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: "porch.kpt.dev/v1alpha1", Kind: "PackageRevisionList"}}); got != want {
			b.Fatalf("%d PackageRevisions, want %d", got, want)
		}
		peakAfterSync := r.peakRSS()
		b.Logf("%d package revisions mirrored in %v; manager peak RSS %.0f MiB", want, initial, peakAfterSync)

		var requests, content int64
		unchanged := r.unchangedSyncs(func() { requests, content = -counter.requests.Load(), -counter.contentGets.Load() },
			func() { requests, content = requests+counter.requests.Load(), content+counter.contentGets.Load() })

		b.ReportMetric(initial.Seconds(), "s-to-all-revisions")
		b.ReportMetric(float64(want)/initial.Seconds(), "revisions/s")
		b.ReportMetric(peakAfterSync, "MiB-peak-rss")
		b.ReportMetric(unchanged.msPerSync, "ms/no-change-sync")
		b.ReportMetric(float64(requests)/unchanged.syncs, "requests/no-change-sync")
		b.ReportMetric(unchanged.writes, "writes/no-change-syncs")
		b.ReportMetric(float64(content), "content-gets/no-change-syncs")
		if unchanged.writes != 0 || content != 0 {
			b.Errorf("syncs without change wrote %v objects and pulled %d manifests or blobs; want none", unchanged.writes, content)
		}

		// Authoring in the registry of 1,000 packages, timed as
		// BenchmarkAuthoringLatency times it in git: each round starts
		// with no sync running; warm-up rounds are not counted.
		const warmup, rounds = 3, 30
		steps := &authoringSteps{}
		before := counter.requests.Load()
		for i := range warmup + rounds {
			r.quiet()
			round := r.authorIn(ns, "large", fmt.Sprintf("new%02d", i))
			if i >= warmup {
				steps.add(round)
			}
		}
		b.Logf("%d registry requests per authoring round (create, propose, approve, and the syncs they ask for)",
			(counter.requests.Load()-before)/(warmup+rounds))
		for _, step := range steps.named() {
			slices.Sort(step.times)
			b.ReportMetric(percentile(step.times, 0.5), "ms-p50-"+step.name)
			b.ReportMetric(percentile(step.times, 0.95), "ms-p95-"+step.name)
		}
	}
}

// seedRegistry pushes packages packages of 3 revisions each under
// registryPath: v1 and v2 published, wip a draft.
func seedRegistry(b *testing.B, registryPath string, packages int) {
	store, err := oci.NewStore(registryPath, oci.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	type revision struct {
		tag       string
		lifecycle porchv1alpha1.PackageRevisionLifecycle
		number    int
	}
	revisions := []revision{{"v1", porchv1alpha1.PackageRevisionLifecyclePublished, 1}, {"v2", porchv1alpha1.PackageRevisionLifecyclePublished, 2},
		{"wip", porchv1alpha1.PackageRevisionLifecycleDraft, 0}}
	r := &rig{b: b}
	r.each(packages, func(i int) error {
		pkg := fmt.Sprintf("pkg%04d", i)
		for _, rev := range revisions {
			img, err := oci.BuildImage(oci.Package{Files: registryPackage(pkg, rev.tag), Lifecycle: rev.lifecycle, Revision: rev.number,
				Tasks:   []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{}}},
				Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				return err
			}
			if _, err := store.Write(context.Background(), pkg, rev.tag, img, v1.Hash{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// registryPackage is a small package, as Generate makes them for git.
func registryPackage(pkg, tag string) map[string]string {
	return map[string]string{
		"Kptfile":  fmt.Sprintf("apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: %s\ninfo:\n  description: %s %s\n", pkg, pkg, tag),
		"cm.yaml":  fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  revision: %s\n", pkg, tag),
		"ns.yaml":  fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n", pkg),
		"svc.yaml": fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\nspec:\n  ports:\n  - port: 80\n", pkg),
	}
}
