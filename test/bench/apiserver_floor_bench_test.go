package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
)

// BenchmarkAPIServerFloor measures the part of a sync that is outside the
// product: the control plane's own time for the writes a first sync of
// BenchmarkSyncLargeRepository's repository must make, 4,000 revisions of
// 4 writes each (create the revision, write its status, create its
// resources, write theirs), objects of the same shape and size, made as
// the manager's user with as many writers as its --sync-write-workers
// (BENCH_WRITERS to try others). No git, no discovery, no manager: what
// the sync takes beyond this is the product's share. The same number of
// ConfigMap creates, of the same content, shows what a built-in kind
// costs the apiserver beside a custom resource.
func BenchmarkAPIServerFloor(b *testing.B) {
	writers := 8
	if n, err := strconv.Atoi(os.Getenv("BENCH_WRITERS")); err == nil && n > 0 {
		writers = n
	}
	b.Run("revisions", func(b *testing.B) { floor(b, writers, writeRevision, storedRevisionBytes) })
	b.Run("configmaps", func(b *testing.B) { floor(b, writers, writeConfigMaps, nil) })
}

// floor makes 4,000 revisions' worth of writes (scaled) with write, by writers at
// once, and reports the time and the control plane's CPU per write.
// stored, when given, is the bytes of one revision's objects as the
// apiserver returns them, managed fields and all.
func floor(b *testing.B, writers int, write func(context.Context, client.Client, string, int) (int, error),
	stored func(context.Context, client.Client, string) (int, error)) {
	revisions := scaled(4000)
	for range b.N {
		c, ns := floorPlane(b)
		var next, writes atomic.Int64
		var failed atomic.Value
		cpu, start := cpuByProcess(), time.Now()
		var wg sync.WaitGroup
		for range writers {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < revisions; i = int(next.Add(1)) - 1 {
					n, err := write(context.Background(), c, ns, i)
					writes.Add(int64(n))
					if err != nil {
						failed.Store(err)
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		if err, _ := failed.Load().(error); err != nil {
			b.Fatal(err)
		}
		spent := addCPU(nil, cpu, cpuByProcess())
		b.ReportMetric(elapsed.Seconds(), fmt.Sprintf("s-for-%d-revisions", revisions))
		b.ReportMetric(float64(writes.Load())/elapsed.Seconds(), "writes/s")
		b.ReportMetric(spent["kube-apiserver"]*1000/float64(writes.Load()), "apiserver-cpu-ms/write")
		b.ReportMetric(spent["etcd"]*1000/float64(writes.Load()), "etcd-cpu-ms/write")
		if stored != nil {
			n, err := stored(context.Background(), c, ns)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n), "bytes/revision")
		}
		b.Logf("%d writes by %d writers in %v; CPU s: apiserver %.1f, etcd %.1f, this client %.1f",
			writes.Load(), writers, elapsed, spent["kube-apiserver"], spent["etcd"], spent["benchmark (client, git server)"])
	}
}

// floorPlane starts a control plane and returns a client acting as the
// manager's user, and a namespace.
func floorPlane(b *testing.B) (client.Client, string) {
	b.Helper()
	ctrllog.SetLogger(logr.Discard())
	if os.Getenv(controlplane.AssetsEnv) == "" {
		b.Skip(controlplane.AssetsEnv + " is not set: run make bench")
	}
	plane, err := controlplane.Start(controlplane.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = plane.Stop() })
	user, err := plane.AddManagerUser()
	if err != nil {
		b.Fatal(err)
	}
	cfg := user.Config
	cfg.QPS, cfg.Burst = -1, 0 // no client-side limit: the floor is the server's
	c, err := controlplane.NewClient(cfg, clientgoscheme.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		b.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "floor"}}
	if err := c.Create(context.Background(), ns); err != nil {
		b.Fatal(err)
	}
	return c, ns.Name
}

// writeRevision makes the four writes of one mirrored revision, as the
// sync makes them, and says how many it made.
func writeRevision(ctx context.Context, c client.Client, ns string, i int) (int, error) {
	// The Repository is not made: nothing here collects what it owns.
	owner := metav1.OwnerReference{APIVersion: configv1alpha1.GroupVersion.String(), Kind: "Repository", Name: "large",
		UID: types.UID("00000000-0000-0000-0000-000000000001"), Controller: ptrTo(true), BlockOwnerDeletion: ptrTo(true)}
	pkg, ws := fmt.Sprintf("g%02d/p%04d", i/4%32, i/4), fmt.Sprintf("v%d", i%4+1)
	name := fmt.Sprintf("large.g%02d.p%04d.%s", i/4%32, i/4, ws)
	labels := map[string]string{porchv1alpha1.RepositoryLabel: "large"}
	if i%4 == 2 {
		labels[porchv1alpha1.LatestPackageRevisionKey] = porchv1alpha1.LatestPackageRevisionValue
	}
	om := metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels, OwnerReferences: []metav1.OwnerReference{owner}}
	pr := &porchv1alpha1.PackageRevision{ObjectMeta: *om.DeepCopy(), Spec: porchv1alpha1.PackageRevisionSpec{
		PackageName: pkg, RepositoryName: "large", WorkspaceName: ws, Revision: i%4 + 1, Lifecycle: porchv1alpha1.PackageRevisionLifecyclePublished,
		Tasks: []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: "generated package"}}}}}
	pr.Finalizers = []string{porchv1alpha1.PackageRevisionFinalizer}
	if err := c.Create(ctx, pr); err != nil {
		return 0, err
	}
	before := pr.DeepCopy()
	commit := fmt.Sprintf("%040x", i)
	at := metav1.Now()
	pr.Status = porchv1alpha1.PackageRevisionStatus{ObservedGeneration: pr.Generation, PublishedAt: &at,
		SelfLock: &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeGit, Git: &porchv1alpha1.GitLock{Repo: "http://127.0.0.1:1/large.git", Directory: pkg, Ref: pkg + "/" + ws, Commit: commit}}}
	meta.SetStatusCondition(&pr.Status.Conditions, metav1.Condition{Type: porchv1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: porchv1alpha1.ReasonReady, Message: "Read from git ref " + pkg + "/" + ws, ObservedGeneration: pr.Generation})
	if err := c.Status().Patch(ctx, pr, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		return 1, err
	}
	prr := &porchv1alpha1.PackageRevisionResources{ObjectMeta: *om.DeepCopy(), Spec: porchv1alpha1.PackageRevisionResourcesSpec{
		PackageName: pkg, WorkspaceName: ws, Revision: i%4 + 1, RepositoryName: "large"}}
	delete(prr.Labels, porchv1alpha1.LatestPackageRevisionKey)
	if err := c.Create(ctx, prr); err != nil {
		return 2, err
	}
	beforeRes := prr.DeepCopy()
	name4 := fmt.Sprintf("p%04d", i/4)
	prr.Status = porchv1alpha1.PackageRevisionResourcesStatus{ObservedGeneration: prr.Generation, Commit: commit, Resources: map[string]string{
		"Kptfile": generatedKptfile(name4), "cm.yaml": generatedConfigMap(name4, i%4+1)}}
	if err := c.Status().Patch(ctx, prr, client.MergeFromWithOptions(beforeRes, client.MergeFromWithOptimisticLock{})); err != nil {
		return 3, err
	}
	return 4, nil
}

// storedRevisionBytes is the JSON size of the first revision's two
// objects as read back.
func storedRevisionBytes(ctx context.Context, c client.Client, ns string) (int, error) {
	n := 0
	for _, kind := range []string{"PackageRevision", "PackageRevisionResources"} {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(porchv1alpha1.GroupVersion.WithKind(kind))
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "large.g00.p0000.v1"}, u); err != nil {
			return 0, err
		}
		data, err := json.Marshal(u.Object)
		if err != nil {
			return 0, err
		}
		n += len(data)
	}
	return n, nil
}

// writeConfigMaps creates four ConfigMaps holding a revision's files.
func writeConfigMaps(ctx context.Context, c client.Client, ns string, i int) (int, error) {
	name := fmt.Sprintf("p%04d", i/4)
	for j := range 4 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d-%d", name, i%4, j), Namespace: ns,
			Labels: map[string]string{porchv1alpha1.RepositoryLabel: "large"}},
			Data: map[string]string{"Kptfile": generatedKptfile(name), "cm.yaml": generatedConfigMap(name, i%4+1)}}
		if err := c.Create(ctx, cm); err != nil {
			return j, err
		}
	}
	return 4, nil
}

func ptrTo[T any](v T) *T { return &v }
