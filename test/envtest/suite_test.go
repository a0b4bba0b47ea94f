// Package envtest holds the suite that runs the API, the webhooks and the
// controllers against a real kube-apiserver and etcd, with the manager running.
package envtest

import (
	"context"
	"math"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller"
	"github.com/porch-dev/porch/internal/controller/index"
	"github.com/porch-dev/porch/internal/controller/repository"
	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/internal/git"
	porchwebhook "github.com/porch-dev/porch/internal/webhook"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
)

var (
	ctx    context.Context
	cancel context.CancelFunc
	plane  *controlplane.ControlPlane
	// k8s is an administrator, a user as far as the webhooks are concerned.
	k8s client.Client
	// sys is the manager's own user, which the webhooks count as the system.
	sys     client.Client
	manager *controlplane.User
	scheme  = runtime.NewScheme()
	// cacheDir holds the manager's local git mirrors.
	cacheDir string
	// syncRequests asks the manager's Repository controller for syncs, as
	// the authoring controller does after writing git.
	syncRequests *repository.SyncRequests
	// mirrors are the manager's local git mirrors, shared with its
	// controllers, for specs that order their work against the sync's.
	mirrors *git.Mirrors
)

func TestEnvtest(t *testing.T) {
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(30 * time.Second)
	SetDefaultEventuallyPollingInterval(100 * time.Millisecond)
	RunSpecs(t, "envtest suite")
}

var _ = BeforeSuite(func() {
	logf.SetLogger(zap.New(zap.WriteTo(GinkgoWriter), zap.UseDevMode(true)))
	ctx, cancel = context.WithCancel(context.Background())

	Expect(clientgoscheme.AddToScheme(scheme)).To(Succeed())
	Expect(configv1alpha1.AddToScheme(scheme)).To(Succeed())
	Expect(porchv1alpha1.AddToScheme(scheme)).To(Succeed())

	var err error
	plane, err = controlplane.Start(controlplane.Options{})
	Expect(err).NotTo(HaveOccurred())

	k8s, err = client.New(plane.Config, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	manager, err = plane.AddManagerUser()
	Expect(err).NotTo(HaveOccurred())
	sys, err = client.New(manager.Config, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())

	startManager()
	waitForWebhooks()
})

// startManager runs the product's controllers and webhooks against the
// control plane, with intervals short enough for tests, as its own user.
// The webhook server listens where the control plane's webhook
// configurations point.
func startManager() {
	mgr, err := ctrl.NewManager(manager.Config, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		WebhookServer:          webhook.NewServer(plane.WebhookServerOptions()),
		NewClient:              newLaggingClient,
	})
	Expect(err).NotTo(HaveOccurred())
	opts := controller.DefaultOptions()
	// Syncs happen when a test asks (runOnceAt), or when a repository that
	// is not Ready is retried, never by surprise in the middle of a test.
	opts.Repository.SyncInterval = time.Hour
	opts.Repository.MaxPackageBytes = 64 << 10
	opts.PackageRevision.MaxCloneFetchBytes = cloneFetchLimit
	cacheDir = GinkgoT().TempDir()
	opts.Repository.CacheDir = cacheDir
	opts.Repository.RetryInterval = time.Second
	opts.PackageRevision.RetryInterval = time.Second
	// A function that never ends is stopped soon; starlark has no step
	// budget to stop it sooner, so that another namespace's render is seen
	// to finish beside it (function_limits_test.go).
	opts.PackageRevision.FunctionTimeout = 5 * time.Second
	opts.Functions = runner.NewInProcess(builtin.New(builtin.WithStarlarkMaxSteps(math.MaxUint64)))
	opts.PackageVariant.RetryInterval = time.Second
	opts.PackageVariantSet.RetryInterval, opts.PackageVariantSet.ResyncInterval = time.Second, 2*time.Second
	opts.Repository.ProbeTimeout = 10 * time.Second
	opts.Repository.MinSyncInterval = time.Minute
	syncRequests = repository.NewSyncRequests()
	opts.SyncRequests = syncRequests
	mirrors = git.NewMirrors()
	opts.Mirrors = mirrors
	Expect(index.Register(ctx, mgr.GetFieldIndexer())).To(Succeed())
	Expect(controller.SetupWithManager(mgr, opts)).To(Succeed())
	Expect(porchwebhook.SetupWithManager(mgr, porchwebhook.Options{SystemUsers: []string{manager.Name},
		MaxPackageBytes: opts.Repository.MaxPackageBytes, MinSyncInterval: opts.Repository.MinSyncInterval})).To(Succeed())
	go func() {
		defer GinkgoRecover()
		Expect(mgr.Start(ctx)).To(Succeed())
	}()
}

// waitForWebhooks returns once the apiserver calls the webhook server and
// the webhook sees the manager's cache: until then a spec could create
// Repositories that the webhook never checked. A dry run of a Repository
// overlapping an existing one is refused only then.
func waitForWebhooks() {
	probe := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "webhook-probe-"}}
	Expect(k8s.Create(ctx, probe)).To(Succeed())
	defer func() { Expect(k8s.Delete(ctx, probe)).To(Succeed()) }()
	ns := probe.Name
	repo := func(name string) *configv1alpha1.Repository {
		return &configv1alpha1.Repository{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: configv1alpha1.RepositorySpec{
				Type: configv1alpha1.RepositoryTypeGit,
				Git:  &configv1alpha1.GitRepository{Repo: "http://127.0.0.1:1/webhook-probe.git"},
			},
		}
	}
	// The apiserver refuses Repository writes until the webhook server listens.
	Eventually(func() error { return client.IgnoreAlreadyExists(k8s.Create(ctx, repo("probe"))) }).Should(Succeed())
	Eventually(func() error {
		return k8s.Create(ctx, repo("probe-overlapping"), client.DryRunAll)
	}).Should(MatchError(ContainSubstring(`Repository "probe" in this namespace already registers`)))
}

var _ = AfterSuite(func() {
	if cancel != nil {
		cancel()
	}
	if plane != nil {
		Expect(plane.Stop()).To(Succeed())
	}
})

// newNamespace creates a namespace for one test and deletes it afterwards.
func newNamespace() string {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "test-"}}
	Expect(k8s.Create(ctx, ns)).To(Succeed())
	DeferCleanup(func() { _ = k8s.Delete(context.Background(), ns) })
	return ns.Name
}
