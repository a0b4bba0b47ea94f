package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/test/bench"
)

// The attack: kube-apiserver crashes and restarts while the manager mirrors a
// repository of 1,000 packages, a quarter of the way through its first
// sync; every write and watch fails for the seconds it is down. The
// manager stays up, and once the apiserver is back the sync completes:
// every revision present once, as git has it, the Repository Ready, and a
// sync that follows writes nothing, so no half-written object is left to
// mend.
func TestAPIServerRestartDuringSync(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	const packages = 1000
	work := t.TempDir()
	plane, kubeconfig := startPlane(t, work)
	gitRoot := filepath.Join(work, "git")
	if err := bench.Generate(filepath.Join(gitRoot, "large.git"), packages, 1); err != nil {
		t.Fatal(err)
	}
	git := startGitServer(t, gitRoot)
	metricsPort := freePort(t)
	m := startSoleManager(t, plane, buildManager(t), kubeconfig, filepath.Join(work, "manager"), nil,
		"--repository-sync-interval=10s", fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", metricsPort), "--metrics-secure=false")
	m.metrics = fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	c, err := controlplane.NewClient(plane.Config, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	createAdmitted(t, c, &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: "large", Namespace: "default"},
		Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: git.RepoURL("large")}}})

	// Each package has its published ws1 and the placeholder of main.
	want := map[string]bool{}
	for i := range packages {
		prefix := fmt.Sprintf("large.g%02d.p%04d.", i%32, i)
		want[prefix+"ws1"], want[prefix+"main"] = true, true
	}
	waitFor(t, "a quarter of the revisions mirrored", 5*time.Minute, func() bool {
		return len(objectNames(t, c, "PackageRevisionList")) >= len(want)/4
	})
	before := len(objectNames(t, c, "PackageRevisionList"))
	if err := plane.KillAPIServer(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second) // down for a while: the manager's writes and watches fail, and it retries
	if err := plane.StartAPIServer(); err != nil {
		t.Fatal(err)
	}
	restarted := time.Now()
	t.Logf("the apiserver restarted with %d of %d revisions mirrored", before, len(want))
	if before == len(want) {
		t.Fatal("the sync was done before the apiserver restarted: nothing was tested")
	}

	waitFor(t, "every revision and its resources mirrored, the repository Ready", 5*time.Minute, func() bool {
		repo := &configv1alpha1.Repository{}
		return c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "large"}, repo) == nil &&
			meta.IsStatusConditionTrue(repo.Status.Conditions, configv1alpha1.ConditionReady) &&
			len(objectNames(t, c, "PackageRevisionList")) == len(want) && len(objectNames(t, c, "PackageRevisionResourcesList")) == len(want)
	})
	t.Logf("every revision mirrored %s after the restart", time.Since(restarted).Round(time.Second))
	if !m.alive() {
		t.Fatal("the manager exited when the apiserver restarted")
	}
	for _, kind := range []string{"PackageRevisionList", "PackageRevisionResourcesList"} {
		have := objectNames(t, c, kind)
		for name := range have {
			if !want[name] {
				t.Errorf("%s holds %s, which git does not", kind, name)
			}
		}
		for name := range want {
			if _, ok := have[name]; !ok {
				t.Errorf("%s lacks %s", kind, name)
			}
		}
	}
	revisions := &porchv1alpha1.PackageRevisionList{}
	if err := c.List(ctx, revisions, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	for _, pr := range revisions.Items {
		if strings.HasSuffix(pr.Name, ".ws1") && (pr.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecyclePublished || pr.Spec.Revision != 1) {
			t.Errorf("%s is %s revision %d, want Published revision 1", pr.Name, pr.Spec.Lifecycle, pr.Spec.Revision)
		}
	}

	// A sync after it finds everything in place.
	versions := map[string]string{}
	for _, kind := range []string{"PackageRevisionList", "PackageRevisionResourcesList"} {
		for name, version := range objectNames(t, c, kind) {
			versions[kind+"/"+name] = version
		}
	}
	unchanged := func() float64 {
		families, err := readMetrics(m.metrics)
		if err != nil {
			return 0
		}
		n, _ := total(families, "porch_repository_sync_duration_seconds", "result", "unchanged")
		return n
	}
	settled := unchanged()
	waitFor(t, "a sync that finds no change", time.Minute, func() bool { return unchanged() > settled })
	for _, kind := range []string{"PackageRevisionList", "PackageRevisionResourcesList"} {
		for name, version := range objectNames(t, c, kind) {
			if versions[kind+"/"+name] != version {
				t.Errorf("the sync after the restart changed %s %s (version %s to %s)", kind, name, versions[kind+"/"+name], version)
			}
		}
	}
}

// objectNames lists the objects of kind (a list kind of porch.kpt.dev) in
// the namespace default, by name, with their resourceVersions.
func objectNames(t *testing.T, c client.Client, kind string) map[string]string {
	t.Helper()
	list := &metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: porchv1alpha1.GroupVersion.String(), Kind: kind}}
	if err := c.List(context.Background(), list, client.InNamespace("default")); err != nil {
		return nil // the apiserver is restarting
	}
	names := make(map[string]string, len(list.Items))
	for _, item := range list.Items {
		names[item.Name] = item.ResourceVersion
	}
	return names
}
