package e2e

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/internal/gitserver"
)

// site is a control plane with one manager, whose webhooks the apiserver
// calls at the address it was given.
type site struct {
	plane   *controlplane.ControlPlane
	c       client.Client
	manager *replica
}

// startSite starts a control plane and a manager on it, in dir.
func startSite(t *testing.T, bin, dir string) *site {
	t.Helper()
	plane, kubeconfig := startPlane(t, dir)
	hook := plane.WebhookServerOptions()
	m := startReplica(t, "manager", bin, kubeconfig, hook.CertDir, filepath.Join(dir, "manager"))
	serveWebhookProxy(t, net.JoinHostPort(hook.Host, strconv.Itoa(hook.Port)), hook.CertDir, []*replica{m})
	c, err := controlplane.NewClient(plane.Config, configv1alpha1.AddToScheme, porchv1alpha1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	return &site{plane: plane, c: c, manager: m}
}

// startPlane starts a control plane, stopped when the test ends, and
// writes the kubeconfig of the manager's user in dir.
func startPlane(t *testing.T, dir string) (*controlplane.ControlPlane, string) {
	t.Helper()
	ctrllog.SetLogger(logr.Discard()) // the control plane's own logs are not what is tested
	plane, err := controlplane.Start(controlplane.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = plane.Stop() })
	managerUser, err := plane.AddManagerUser()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, managerUser.KubeConfig, 0o600); err != nil {
		t.Fatal(err)
	}
	return plane, kubeconfig
}

// startGitServer serves the repositories under root until the test ends,
// each with a first commit on main.
func startGitServer(t *testing.T, root string, repos ...string) *gitserver.Server {
	t.Helper()
	git, err := gitserver.New(gitserver.Options{Root: root, AutoCreate: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := git.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = git.Close() })
	for _, repo := range repos {
		seedMain(t, git.RepoURL(repo))
	}
	return git
}

// wipe loses the site: its manager and its control plane, etcd included.
func (s *site) wipe(t *testing.T) {
	t.Helper()
	s.manager.kill()
	if err := s.plane.Stop(); err != nil {
		t.Fatal(err)
	}
}

// The attack: the cluster is lost, etcd and all. A fresh control plane
// given only the Repository objects brings back, from git alone and within
// the first sync, every package revision with its name, lifecycle
// (Draft, Proposed, Published, DeletionProposed), number, latest label,
// readiness gates, package conditions and content.
func TestRecoveryFromGit(t *testing.T) {
	if os.Getenv(controlplane.AssetsEnv) == "" {
		t.Skip(controlplane.AssetsEnv + " is not set: run make test")
	}
	work := t.TempDir()
	git := startGitServer(t, filepath.Join(work, "git"), "blueprints", "deployments")
	bin := buildManager(t)
	// What GitOps applies, on the first site and again on the second.
	applied := func() []client.Object {
		var objs []client.Object
		for _, name := range []string{"blueprints", "deployments"} {
			objs = append(objs, &configv1alpha1.Repository{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
				Spec: configv1alpha1.RepositorySpec{Type: configv1alpha1.RepositoryTypeGit, Git: &configv1alpha1.GitRepository{Repo: git.RepoURL(name)}}})
		}
		return objs
	}
	variant := func() *configv1alpha1.PackageVariant {
		return &configv1alpha1.PackageVariant{ObjectMeta: metav1.ObjectMeta{Name: "app-east", Namespace: "default"},
			Spec: configv1alpha1.PackageVariantSpec{
				Upstream:   &configv1alpha1.Upstream{Repo: "blueprints", Package: "app"},
				Downstream: &configv1alpha1.Downstream{Repo: "deployments", Package: "app-east"}}}
	}

	first := startSite(t, bin, filepath.Join(work, "first"))
	c := first.c
	for _, obj := range applied() {
		createAdmitted(t, c, obj)
	}
	waitRepositoryReady(t, c, "blueprints")
	waitRepositoryReady(t, c, "deployments")
	draft := func(pkg, ws string, task porchv1alpha1.Task, gates ...string) client.ObjectKey {
		t.Helper()
		pr := &porchv1alpha1.PackageRevision{
			ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "blueprints." + pkg + "." + ws},
			Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: "blueprints", PackageName: pkg, WorkspaceName: ws,
				Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, Tasks: []porchv1alpha1.Task{task}},
		}
		for _, gate := range gates {
			pr.Spec.ReadinessGates = append(pr.Spec.ReadinessGates, porchv1alpha1.ReadinessGate{ConditionType: gate})
		}
		createAdmitted(t, c, pr)
		waitDone(t, c, client.ObjectKeyFromObject(pr))
		return client.ObjectKeyFromObject(pr)
	}
	publish := func(key client.ObjectKey) {
		t.Helper()
		for _, lifecycle := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecyclePublished} {
			setLifecycle(t, c, key, lifecycle)
			waitDone(t, c, key)
		}
	}
	initTask := func(d string) porchv1alpha1.Task {
		return porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit, Init: &porchv1alpha1.PackageInitTaskSpec{Description: d}}
	}
	editTask := func(source string) porchv1alpha1.Task {
		return porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: source}}}
	}

	// app: v1 and v2 published, v1 proposed for deletion, v3 proposed.
	publish(draft("app", "v1", initTask("the app")))
	publish(draft("app", "v2", editTask("blueprints.app.v1")))
	setLifecycle(t, c, client.ObjectKey{Namespace: "default", Name: "blueprints.app.v1"}, porchv1alpha1.PackageRevisionLifecycleDeletionProposed)
	waitDone(t, c, client.ObjectKey{Namespace: "default", Name: "blueprints.app.v1"})
	review := draft("app", "v3", editTask("blueprints.app.v2"))
	setLifecycle(t, c, review, porchv1alpha1.PackageRevisionLifecycleProposed)
	waitDone(t, c, review)
	// gated: a Draft with a readiness gate, met by a condition a
	// controller wrote; and another Draft, plain.
	gated := draft("gated", "v1", initTask("gated"), "example.com/checked")
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		pr := &porchv1alpha1.PackageRevision{}
		if err := c.Get(context.Background(), gated, pr); err != nil {
			return err
		}
		pr.Status.PackageConditions = []porchv1alpha1.PackageCondition{{Type: "example.com/checked", Status: "True", Reason: "Checked"}}
		return c.Status().Update(context.Background(), pr)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The authoring controller records it in the Draft's Kptfile.
	waitFor(t, "the package condition recorded in git", time.Minute, func() bool {
		prr := &porchv1alpha1.PackageRevisionResources{}
		return c.Get(context.Background(), gated, prr) == nil && strings.Contains(prr.Status.Resources["Kptfile"], "example.com/checked")
	})
	draft("plain", "wip", initTask("plain"))
	// A variant of app, its Draft in deployments.
	createAdmitted(t, c, variant())
	downstream := waitVariantTargets(t, c)
	waitDone(t, c, client.ObjectKey{Namespace: "default", Name: downstream})
	before := revisionsOf(t, c)

	first.wipe(t)
	started := time.Now()
	second := startSite(t, bin, filepath.Join(work, "second"))
	c = second.c
	for _, obj := range applied() {
		createAdmitted(t, c, obj)
	}
	waitRepositoryReady(t, c, "blueprints")
	waitRepositoryReady(t, c, "deployments")
	t.Logf("recovered %d revisions %s after the new site started", len(before), time.Since(started).Round(100*time.Millisecond))
	after := revisionsOf(t, c)
	for _, name := range slices.Sorted(maps.Keys(before)) {
		if after[name] != before[name] {
			t.Errorf("%s\nbefore: %s\nafter:  %s", name, before[name], after[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(after)) {
		if _, ok := before[name]; !ok {
			t.Errorf("%s is new: %s", name, after[name])
		}
	}

	// The variant, applied again, takes its Draft back from git and makes
	// no other.
	createAdmitted(t, c, variant())
	if got := waitVariantTargets(t, c); got != downstream {
		t.Errorf("the variant's target is %s, want %s, its Draft before the wipe", got, downstream)
	}
	time.Sleep(2 * time.Second) // a new Draft would be made by now
	if again := revisionsOf(t, c); len(again) != len(before) {
		t.Errorf("the variant made revisions: %d now, %d before", len(again), len(before))
	}
}

// waitVariantTargets waits until the variant app-east has one downstream
// target, and returns its name.
func waitVariantTargets(t *testing.T, c client.Client) string {
	t.Helper()
	var target string
	waitFor(t, "the variant's downstream Draft", time.Minute, func() bool {
		pv := &configv1alpha1.PackageVariant{}
		if c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: "app-east"}, pv) != nil || len(pv.Status.DownstreamTargets) != 1 {
			return false
		}
		target = pv.Status.DownstreamTargets[0].Name
		return true
	})
	return target
}

func waitRepositoryReady(t *testing.T, c client.Client, name string) {
	t.Helper()
	waitFor(t, "the repository "+name+" Ready", time.Minute, func() bool {
		got := &configv1alpha1.Repository{}
		return c.Get(context.Background(), client.ObjectKey{Namespace: "default", Name: name}, got) == nil &&
			meta.IsStatusConditionTrue(got.Status.Conditions, configv1alpha1.ConditionReady)
	})
}

// revisionsOf describes each revision of the namespace default by what
// users read of it: where it stands, its gates and conditions, its content.
func revisionsOf(t *testing.T, c client.Client) map[string]string {
	t.Helper()
	ctx := context.Background()
	revisions := &porchv1alpha1.PackageRevisionList{}
	if err := c.List(ctx, revisions, client.InNamespace("default")); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, pr := range revisions.Items {
		var gates, conditions []string
		for _, g := range pr.Spec.ReadinessGates {
			gates = append(gates, g.ConditionType)
		}
		for _, pc := range pr.Status.PackageConditions {
			conditions = append(conditions, pc.Type+"="+pc.Status)
		}
		prr := &porchv1alpha1.PackageRevisionResources{}
		if err := c.Get(ctx, client.ObjectKeyFromObject(&pr), prr); err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, name := range slices.Sorted(maps.Keys(prr.Status.Resources)) {
			files = append(files, fmt.Sprintf("%s:%x", name, sha256.Sum256([]byte(prr.Status.Resources[name])))[:len(name)+9])
		}
		out[pr.Name] = fmt.Sprintf("%s/%s %s rev=%d latest=%q gates=%v conditions=%v files=%v", pr.Spec.PackageName, pr.Spec.WorkspaceName,
			pr.Spec.Lifecycle, pr.Spec.Revision, pr.Labels[porchv1alpha1.LatestPackageRevisionKey], gates, conditions, files)
	}
	return out
}
