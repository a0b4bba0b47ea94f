// Command manager runs the product's controllers against a cluster, or, with
// --local-dir, against a local control plane it starts itself.
package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller"
	"github.com/porch-dev/porch/internal/controller/index"
	"github.com/porch-dev/porch/internal/controller/shard"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/localmode"
	porchwebhook "github.com/porch-dev/porch/internal/webhook"
	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin"
	"github.com/porch-dev/porch/runner/builtin/starlarkfn"
	"github.com/porch-dev/porch/runner/isolation"
)

var (
	scheme   = runtime.NewScheme()
	setupLog = ctrl.Log.WithName("setup")
)

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(configv1alpha1.AddToScheme(scheme))
	utilruntime.Must(porchv1alpha1.AddToScheme(scheme))
}

type flags struct {
	metricsAddr, probeAddr, localDir string
	pprofAddr                        string
	webhookCertPath, webhookHost     string
	webhookPort                      int
	leaderElect, secureMetrics       bool
	leaderElection                   leaderElection
	qps                              float64
	burst                            int
	enableWebhooks                   bool
	systemUsers                      string
	functionRunner                   string
	starlark                         isolation.Options
	runnerCA, runnerCert, runnerKey  string
	maxObjectBytes                   int64
	controllers                      controller.Options
}

func parseFlags() flags {
	f := flags{controllers: controller.DefaultOptions()}
	flag.StringVar(&f.metricsAddr, "metrics-bind-address", "0", "Address of the metrics endpoint, e.g. :8443 (HTTPS) or :8080 (HTTP); 0 disables it.")
	flag.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "Address of the health and readiness probes; 0 disables them.")
	flag.StringVar(&f.pprofAddr, "pprof-bind-address", "", "Address of the Go profiler's HTTP endpoint (/debug/pprof), e.g. 127.0.0.1:6060; off when empty.")
	flag.BoolVar(&f.leaderElect, "leader-elect", false, "Elect a leader, so that only one manager of several is active.")
	f.leaderElection.addFlags(flag.CommandLine)
	flag.BoolVar(&f.secureMetrics, "metrics-secure", true, "Serve metrics over HTTPS with authentication and authorization.")
	flag.StringVar(&f.webhookCertPath, "webhook-cert-path", "", "Folder holding the webhook server's tls.crt and tls.key; the server's default when empty. The local mode makes its own.")
	flag.StringVar(&f.webhookHost, "webhook-host", "", "Address the webhook server listens on; all addresses when empty. The local mode picks its own.")
	flag.IntVar(&f.webhookPort, "webhook-port", webhook.DefaultPort, "Port of the webhook server. The local mode picks its own.")
	flag.BoolVar(&f.enableWebhooks, "enable-webhooks", true, "Serve the admission webhooks. Set it to false to run against a cluster with no webhook certificate "+
		"(make run-cluster) and no webhook configuration installed; the local mode always serves them.")
	flag.StringVar(&f.systemUsers, "system-users", defaultSystemUsers(), "Comma-separated usernames whose requests the webhooks count as the system's, "+
		"exempt from the rules users are held to (the manager's own writes: mirrored published revisions, spec.revision, the latest label). "+
		"Defaults to the manager's service account, system:serviceaccount:$POD_NAMESPACE:$SERVICE_ACCOUNT_NAME, when both are set; "+
		"the local mode adds the user it runs the manager as.")
	flag.StringVar(&f.localDir, "local-dir", "", "Run locally with no cluster: start a control plane and a git server keeping their state in this folder.")
	repo := &f.controllers.Repository
	flag.DurationVar(&repo.SyncInterval, "repository-sync-interval", repo.SyncInterval, "How often a repository without spec.sync.schedule is synced (jittered by ±10%); a sync that finds the remote's refs unchanged lists them and writes nothing.")
	flag.DurationVar(&repo.MinSyncInterval, "min-sync-interval", repo.MinSyncInterval, "Shortest time a Repository's spec.sync.schedule may leave between two syncs: admission refuses a schedule firing more often, and the controller never syncs one sooner.")
	flag.DurationVar(&repo.RetryInterval, "repository-retry-interval", repo.RetryInterval, "How soon a repository that is not Ready is tried again.")
	flag.DurationVar(&repo.ProbeTimeout, "repository-probe-timeout", repo.ProbeTimeout, "Time limit of one listing of a remote's refs.")
	flag.DurationVar(&repo.SyncTimeout, "repository-sync-timeout", repo.SyncTimeout, "Time limit of one fetch of a repository and the writes that follow, which is as long as a sync holds one of the --max-concurrent-syncs slots.")
	flag.IntVar(&repo.MaxConcurrentSyncs, "max-concurrent-syncs", repo.MaxConcurrentSyncs, "How many repositories may fetch and write at once, across the manager; while other namespaces wait, one namespace holds at most half of them.")
	flag.IntVar(&repo.Workers, "repository-workers", repo.Workers, "How many Repositories are reconciled at once.")
	flag.IntVar(&repo.WriteWorkers, "sync-write-workers", repo.WriteWorkers, "How many object writes one repository sync makes at once.")
	flag.IntVar(&repo.MassDeletionMin, "mass-deletion-min", repo.MassDeletionMin, "A sync deletes unconfirmed at most this many of a repository's package revisions, "+
		"or --mass-deletion-percent of them if that is more, and no Published revision; a larger deletion waits, the Repository Ready=False with reason MassDeletionHeld, "+
		"until the porch.kpt.dev/allow-mass-deletion annotation confirms it.")
	flag.IntVar(&repo.MassDeletionPercent, "mass-deletion-percent", repo.MassDeletionPercent, "See --mass-deletion-min: the share, in percent, of a repository's package revisions a sync deletes unconfirmed.")
	flag.Int64Var(&repo.MaxPackageBytes, "max-package-bytes", repo.MaxPackageBytes, "Content limit of one package revision: a larger one is mirrored without content, "+
		"with a condition saying so; a user's spec.resources over it is refused, and a render whose output is over it commits nothing. "+
		"At most (--max-object-bytes - 512 KiB) / 2, so that a Draft's resources, which hold the package twice, can always be stored.")
	flag.Int64Var(&f.maxObjectBytes, "max-object-bytes", porchv1alpha1.DefaultMaxObjectBytes, "The largest object the cluster's apiserver can store: "+
		"etcd's --max-request-bytes (1.5 MiB unless the cluster's etcd was given another); it bounds --max-package-bytes.")
	flag.StringVar(&repo.CacheDir, "cache-dir", "", "Folder of the local git mirrors; <local-dir>/cache in local mode, else porch-cache in the temporary folder.")
	remotes := &repo.Remotes
	flag.Func("allow-remote-schemes", "Comma-separated schemes users may name in remotes besides http and https, of "+strings.Join(git.WidenableSchemes, ", ")+
		" (file also allows bare paths: the manager's own disk, other namespaces' mirrors included).", func(v string) error {
		remotes.Schemes = splitList(v)
		return nil
	})
	flag.Func("allowed-remote-prefixes", "Comma-separated remote URLs users may name, with what lies under them, whatever --allow-remote-schemes "+
		"and --deny-private-remotes say; the local mode adds its own git server.", func(v string) error {
		remotes.Prefixes = splitList(v)
		return nil
	})
	flag.BoolVar(&remotes.DenyPrivate, "deny-private-remotes", false, "Refuse remotes whose host is, or resolves to, a loopback, private or link-local address.")
	authoring := &f.controllers.PackageRevision
	flag.IntVar(&authoring.Workers, "packagerevision-workers", authoring.Workers, "How many PackageRevisions are authored (tasks, edits, lifecycle changes) at once.")
	flag.DurationVar(&authoring.GitTimeout, "authoring-git-timeout", authoring.GitTimeout, "Time limit of the git work of one authoring step, and of each of its pushes: a remote that stops answering mid-push fails the write then, and it is tried again.")
	flag.DurationVar(&authoring.FunctionTimeout, "function-timeout", authoring.FunctionTimeout, "Time limit of one function's run in a render; the function is cancelled then and the render fails naming it.")
	flag.DurationVar(&authoring.PipelineTimeout, "pipeline-timeout", authoring.PipelineTimeout, "Time limit of one render, every function of a package's pipelines.")
	flag.StringVar(&authoring.DefaultImagePrefix, "default-image-prefix", authoring.DefaultImagePrefix,
		"Put before a function image named without a registry or path (apply-setters:v0.2), as kpt does; results name the image as written.")
	flag.Int64Var(&authoring.MaxCloneFetchBytes, "max-clone-fetch-bytes", authoring.MaxCloneFetchBytes, "Limit of what a clone from a git URL fetches into "+
		"a temporary folder under --cache-dir: the bytes received, counted as they arrive, and what they unpack to. A clone over it fails for good with SourceTooLarge.")
	flag.Func("reconcilers", "Comma-separated optional reconcilers to run, of "+strings.Join(controller.OptionalReconcilers, ", ")+
		", or * for all (the default); the Repository and PackageRevision ones always run.", func(v string) error {
		names, err := controller.ParseReconcilers(v)
		f.controllers.Reconcilers = names
		return err
	})
	flag.Func("repository-selector", "Label selector of the Repositories this manager owns, when several divide them "+
		"(e.g. shard=a): it syncs only those, authors only their revisions, keeps the PackageVariants whose downstream "+
		"and the PackageVariantSets whose upstream is one of them, and elects a leader among the managers of the same selector. "+
		"Every manager caches everything and serves every webhook. Empty: every Repository.", func(v string) error {
		s, err := shard.Parse(v)
		f.controllers.Shard = s
		return err
	})
	flag.BoolVar(&f.controllers.PackageVariantSet.AllowClusterScopedSelectors, "allow-cluster-scoped-selectors", false,
		"Let a PackageVariantSet's objectSelector name a kind that is not namespaced (Namespaces, say), listed across the cluster; "+
			"refused at admission and at reconcile when false.")
	flag.IntVar(&f.controllers.PackageVariant.Workers, "packagevariant-workers", f.controllers.PackageVariant.Workers, "How many PackageVariants are reconciled at once.")
	flag.StringVar(&f.functionRunner, "function-runner", "", "Address (host:port) of the function runner's gRPC service; when empty, the builtin functions run in the manager, starlark's each in a child process of it.")
	flag.Uint64Var(&f.starlark.StarlarkMaxSteps, "starlark-max-steps", starlarkfn.DefaultMaxSteps, "Step budget of one run of the builtin starlark function, without --function-runner; a script that spends it fails.")
	flag.Int64Var(&f.starlark.MemoryBytes, "starlark-memory-limit", isolation.DefaultMemoryBytes, "Memory, in bytes, one run of the builtin starlark function may take, without --function-runner: each runs in a child process that dies past it.")
	flag.IntVar(&f.starlark.Processes, "starlark-processes", isolation.DefaultProcesses, "Most starlark runs at once, without --function-runner, each in its own child process; keep it times --starlark-memory-limit well under the manager's memory limit.")
	flag.StringVar(&f.runnerCA, "function-runner-ca", "", "Authority of the function runner's certificate: with it the runner is called over TLS (its --tls-cert-file), else in plaintext.")
	flag.StringVar(&f.runnerCert, "function-runner-cert-file", "", "Certificate the manager presents to a runner that asks for one (its --tls-client-ca-file); needs --function-runner-ca.")
	flag.StringVar(&f.runnerKey, "function-runner-key-file", "", "Key of --function-runner-cert-file.")
	// The apiserver's own limit is what bounds the manager's writes: a
	// kube-apiserver on 2 cores takes 1,200-1,500 writes/s, and its priority
	// and fairness queues protect it beyond that. At 200/s the client's own
	// limiter was what a 1,000-package sync waited on (18,000 writes: 86 s,
	// against 47 s at 1,500/s, where the apiserver's CPU is the limit).
	flag.Float64Var(&f.qps, "kube-api-qps", 1500, "Requests per second the manager may send to the apiserver.")
	flag.IntVar(&f.burst, "kube-api-burst", 3000, "Burst of requests the manager may send to the apiserver.")
	opts := zap.Options{Development: true}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	return f
}

func main() {
	// A child running one isolated function serves it and exits here.
	isolation.Main(os.Args)
	if err := run(parseFlags()); err != nil {
		setupLog.Error(err, "Manager stopped")
		os.Exit(1)
	}
}

func run(f flags) (retErr error) {
	if f.controllers.PackageRevision.MaxCloneFetchBytes <= 0 {
		return fmt.Errorf("--max-clone-fetch-bytes must be positive: every clone from a git URL is fetched within it")
	}
	if err := porchv1alpha1.CheckPackageLimit(f.controllers.Repository.MaxPackageBytes, f.maxObjectBytes); err != nil {
		return err
	}
	if repo := f.controllers.Repository; repo.MassDeletionMin < 0 || repo.MassDeletionPercent < 0 || repo.MassDeletionPercent > 100 {
		return fmt.Errorf("--mass-deletion-min must not be negative, and --mass-deletion-percent must be from 0 to 100")
	}
	if f.localDir != "" && !f.enableWebhooks {
		return fmt.Errorf("--enable-webhooks=false applies to a cluster only: the local mode installs the webhooks, " +
			"so the apiserver would refuse every write they cover unless the manager serves them")
	}
	ctx := ctrl.SetupSignalHandler()
	flushTraces, err := startTracing(ctx)
	if err != nil {
		return err
	}
	defer flushTraces()
	t, err := connect(f)
	if err != nil {
		return err
	}
	defer func() {
		if err := t.stop(); err != nil && retErr == nil {
			retErr = err
		}
	}()

	t.cfg.QPS, t.cfg.Burst = float32(f.qps), f.burst
	remotes := &f.controllers.Repository.Remotes
	remotes.Prefixes = append(remotes.Prefixes, t.remotePrefixes...)
	if err := remotes.Validate(); err != nil {
		return err
	}
	if f.controllers.Repository.CacheDir == "" {
		f.controllers.Repository.CacheDir = filepath.Join(os.TempDir(), "porch-cache")
		if f.localDir != "" {
			f.controllers.Repository.CacheDir = filepath.Join(f.localDir, "cache")
		}
	}
	if f.localDir != "" && !isFlagSet("health-probe-bind-address") {
		f.probeAddr = "0" // nothing probes a local run; leave the port free
	}
	t.webhook.TLSOpts = []func(*tls.Config){disableHTTP2}
	mgr, err := ctrl.NewManager(t.cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsOptions(f),
		WebhookServer:          webhook.NewServer(t.webhook),
		HealthProbeBindAddress: f.probeAddr,
		PprofBindAddress:       f.pprofAddr,
		LeaderElection:         f.leaderElect,
		LeaderElectionID:       leaderElectionID(f.controllers.Shard),
		// Out of a cluster there is no namespace of the pod's to hold the Lease.
		LeaderElectionNamespace: f.leaderElection.namespace,
		LeaseDuration:           &f.leaderElection.leaseDuration,
		RenewDeadline:           &f.leaderElection.renewDeadline,
		RetryPeriod:             &f.leaderElection.retryPeriod,
		// The manager exits once its context ends: a successor need not
		// wait out the lease.
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	if f.functionRunner != "" {
		opts, err := runnerOptions(f)
		if err != nil {
			return err
		}
		client, err := runner.NewClient(f.functionRunner, opts...)
		if err != nil {
			return err
		}
		defer func() { _ = client.Close() }()
		f.controllers.Functions = client
	} else {
		functions, err := inProcessFunctions(f.starlark)
		if err != nil {
			return err
		}
		f.controllers.Functions = functions
	}
	// The indexes the reconcilers and the webhooks share, once.
	if err := index.Register(ctx, mgr.GetFieldIndexer()); err != nil {
		return fmt.Errorf("indexing the cache: %w", err)
	}
	if err := controller.SetupWithManager(mgr, f.controllers); err != nil {
		return fmt.Errorf("setting up the controllers: %w", err)
	}
	// Ready means writes are admitted: with the webhooks installed and
	// failurePolicy Fail, the apiserver refuses them until the server answers.
	webhookServing := healthz.Ping
	if f.enableWebhooks {
		if len(t.systemUsers) == 0 {
			setupLog.Info("No --system-users: the webhooks hold every request to the users' rules, so the manager's own writes of published revisions will be refused")
		}
		if err := porchwebhook.SetupWithManager(mgr, porchwebhook.Options{SystemUsers: t.systemUsers,
			MaxPackageBytes:             f.controllers.Repository.MaxPackageBytes,
			Remotes:                     *remotes,
			MinSyncInterval:             f.controllers.Repository.MinSyncInterval,
			AllowClusterScopedSelectors: f.controllers.PackageVariantSet.AllowClusterScopedSelectors}); err != nil {
			return fmt.Errorf("setting up the webhooks: %w", err)
		}
		webhookServing = mgr.GetWebhookServer().StartedChecker()
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", webhookServing); err != nil {
		return err
	}
	if err := mgr.Add(announceWhenReady(mgr, webhookServing, t)); err != nil {
		return err
	}
	setupLog.Info("Starting manager")
	return mgr.Start(ctx)
}

// target is what the manager runs against.
type target struct {
	cfg *rest.Config
	// webhook says where the webhook server listens and finds its certificate.
	webhook webhook.Options
	// systemUsers are the identities the webhooks count as the system's.
	systemUsers []string
	// remotePrefixes are remotes users may always name: the local mode's
	// own git server, on loopback.
	remotePrefixes []string
	// ready is printed once the manager is ready; empty for a cluster.
	ready string
	// beforeReady runs once the webhooks serve, before ready is printed;
	// nil for a cluster.
	beforeReady func(context.Context, client.Client) error
	stop        func() error
}

// connect reaches the cluster of the kubeconfig, or starts the local mode,
// whose control plane says where the webhooks it installed expect the server.
func connect(f flags) (target, error) {
	if f.localDir == "" {
		cfg, err := ctrl.GetConfig()
		return target{cfg: cfg, webhook: webhook.Options{CertDir: f.webhookCertPath, Host: f.webhookHost, Port: f.webhookPort},
			systemUsers: porchwebhook.ParseUsers(f.systemUsers), stop: func() error { return nil }}, err
	}
	env, err := localmode.Start(localmode.Options{Dir: f.localDir})
	if err != nil {
		return target{}, fmt.Errorf("starting the local mode: %w", err)
	}
	setupLog.Info("Local mode started", "kubeconfig", env.KubeconfigPath, "git", env.Git.URL())
	// The manager runs as its own user, and users as the admin of the
	// kubeconfig, so that the webhooks can tell them apart.
	return target{
		cfg:         env.Manager.Config,
		webhook:     env.Plane.WebhookServerOptions(),
		systemUsers: append(porchwebhook.ParseUsers(f.systemUsers), env.Manager.Name),
		// Its own server is the one loopback remote the local mode needs;
		// local paths stay refused unless the flags say otherwise.
		remotePrefixes: []string{env.Git.URL()},
		ready:          "Porch is ready: export KUBECONFIG=" + env.KubeconfigPath,
		beforeReady:    env.RegisterBlueprints,
		stop:           env.Stop,
	}, nil
}

// runnerOptions are how the manager calls the function runner: over TLS
// when it knows the runner's authority, with its own certificate when
// given one.
func runnerOptions(f flags) ([]runner.Option, error) {
	if f.runnerCA == "" {
		if f.runnerCert != "" || f.runnerKey != "" {
			return nil, fmt.Errorf("--function-runner-cert-file and --function-runner-key-file need --function-runner-ca: the runner is called over TLS only with it")
		}
		return nil, nil
	}
	cfg, err := runner.ClientTLS(f.runnerCA, f.runnerCert, f.runnerKey)
	if err != nil {
		return nil, err
	}
	return []runner.Option{runner.WithTLS(cfg)}, nil
}

// leaderElectionID is the Lease the managers of one shard elect a leader
// by: the managers of every Repository share one, each selector has its own.
func leaderElectionID(s shard.Shard) string {
	if s.String() == "" {
		return "porch-manager.porch.kpt.dev"
	}
	sum := sha256.Sum256([]byte(s.String()))
	return fmt.Sprintf("porch-manager-%x.porch.kpt.dev", sum[:6])
}

// defaultSystemUsers is the manager's own service account when the
// Deployment passes its namespace and name (config/manager), else none.
func defaultSystemUsers() string {
	namespace, account := os.Getenv("POD_NAMESPACE"), os.Getenv("SERVICE_ACCOUNT_NAME")
	if namespace == "" || account == "" {
		return ""
	}
	return porchwebhook.ServiceAccountUser(namespace, account)
}

func metricsOptions(f flags) metricsserver.Options {
	opts := metricsserver.Options{BindAddress: f.metricsAddr, SecureServing: f.secureMetrics}
	if f.secureMetrics {
		opts.FilterProvider = filters.WithAuthenticationAndAuthorization
		opts.TLSOpts = []func(*tls.Config){disableHTTP2}
	}
	return opts
}

// disableHTTP2 guards the HTTPS servers against the HTTP/2 stream
// cancellation and rapid reset vulnerabilities.
func disableHTTP2(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }

// splitList splits a flag's list at commas and spaces.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
}

func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// announceWhenReady prints the ready line once the controllers' caches are in
// sync and the webhook server answers, so that a user acting on the line never
// meets a "connection refused" admission error; what the target does before
// it is ready (the local mode's example repository) runs in between.
func announceWhenReady(mgr ctrl.Manager, serving healthz.Checker, t target) manager.Runnable {
	return manager.RunnableFunc(func(ctx context.Context) error {
		if t.ready == "" || !mgr.GetCache().WaitForCacheSync(ctx) {
			return nil
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/readyz", nil)
		if err != nil {
			return err
		}
		for serving(req) != nil {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(100 * time.Millisecond):
			}
		}
		if t.beforeReady != nil {
			// The examples are a convenience: without them the local
			// mode still works, so a failure is reported, not fatal.
			if err := t.beforeReady(ctx, mgr.GetClient()); err != nil {
				setupLog.Error(err, "The example repository is not ready")
			}
		}
		fmt.Println(t.ready)
		<-ctx.Done()
		return nil
	})
}

// inProcessFunctions are the builtin functions run in the manager, but
// starlark, which runs user code: each run of it goes to a child process,
// under a memory limit (see runner/isolation).
func inProcessFunctions(o isolation.Options) (*runner.InProcess, error) {
	exe, err := isolation.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the binary to run starlark in: %w", err)
	}
	setupLog.Info("Starlark runs in child processes", "binary", exe)
	builtins := builtin.New(builtin.WithStarlarkMaxSteps(o.StarlarkMaxSteps), builtin.WithIsolator(isolation.New(exe, o)))
	return runner.NewInProcess(builtins), nil
}
