// Package controlplane starts a local kube-apiserver and etcd (the envtest
// control plane built by hack/setup-envtest.sh) with the project's CRDs and
// webhook configurations installed. The local mode and the envtest suites
// both use it.
package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/porch-dev/porch/config/crd"
	webhookconfig "github.com/porch-dev/porch/config/webhook"
)

// AssetsEnv names the variable that points at the folder holding kube-apiserver and etcd.
const AssetsEnv = "KUBEBUILDER_ASSETS"

// Options configure a control plane.
type Options struct {
	// AssetsDir holds kube-apiserver and etcd; $KUBEBUILDER_ASSETS when empty.
	AssetsDir string
	// EtcdDataDir keeps etcd's data across restarts; a temporary folder,
	// removed on Stop, when empty.
	EtcdDataDir string
}

// ControlPlane is a running kube-apiserver and etcd with the CRDs and the
// webhook configurations installed. The webhooks point at a local port that
// the manager must serve (see WebhookServerOptions): until it does, the
// apiserver refuses every write the webhooks cover.
type ControlPlane struct {
	env *envtest.Environment
	// certDir holds kube-apiserver's certificates. The control plane owns
	// it, rather than envtest, so that a restarted kube-apiserver serves
	// the same certificate on the same port and clients keep working.
	certDir string
	// Config reaches the apiserver as an administrator.
	Config *rest.Config
	// KubeConfig is Config as a kubeconfig file.
	KubeConfig []byte
}

// Start starts etcd and kube-apiserver and installs the CRDs and webhooks.
func Start(opts Options) (*ControlPlane, error) {
	assets := opts.AssetsDir
	if assets == "" {
		assets = os.Getenv(AssetsEnv)
	}
	if err := checkAssets(assets); err != nil {
		return nil, err
	}
	crds, err := crd.Load()
	if err != nil {
		return nil, err
	}
	validating, mutating, err := webhookconfig.Load()
	if err != nil {
		return nil, err
	}
	webhookconfig.SkipSystemUsers(validating, mutating, ManagerUser)
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDs:                  crds,
		ErrorIfCRDPathMissing: true,
		// envtest issues a serving certificate into a temporary folder,
		// picks a free local port, and points the configurations at
		// https://<host>:<port>/<path> with the certificate's CA. A
		// configuration kept in etcd from an earlier run is updated.
		WebhookInstallOptions: envtest.WebhookInstallOptions{
			ValidatingWebhooks: validating,
			MutatingWebhooks:   mutating,
		},
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	certDir, err := os.MkdirTemp("", "porch-apiserver-")
	if err != nil {
		return nil, err
	}
	env.ControlPlane.APIServer = &envtest.APIServer{CertDir: certDir}
	if opts.EtcdDataDir != "" {
		if err := os.MkdirAll(opts.EtcdDataDir, 0o700); err != nil {
			return nil, err
		}
		env.ControlPlane.Etcd = &envtest.Etcd{DataDir: opts.EtcdDataDir}
	}
	cfg, err := env.Start()
	if err != nil {
		// Start may fail after etcd and kube-apiserver are up (installing the
		// CRDs, say); stop them rather than leave them running.
		return nil, errors.Join(fmt.Errorf("starting the control plane from %s: %w", assets, err), stop(env, certDir))
	}
	return &ControlPlane{env: env, certDir: certDir, Config: cfg, KubeConfig: env.KubeConfig}, nil
}

// ManagerUser is the user the manager runs as against a local control
// plane, in group system:masters. The webhooks must count it as the system
// (webhook.Options.SystemUsers): users' requests are held to rules that the
// manager's own writes, such as mirroring published revisions, are not.
const ManagerUser = "porch-manager"

// User is a user of the control plane, authenticated by a client certificate.
type User struct {
	Name string
	// Config reaches the apiserver as this user.
	Config *rest.Config
	// KubeConfig is Config as a kubeconfig file.
	KubeConfig []byte
}

// AddUser provisions a user in the given groups, with the administrator's
// client settings (such as its rate limits) but a certificate of its own.
func (c *ControlPlane) AddUser(name string, groups ...string) (*User, error) {
	u, err := c.env.AddUser(envtest.User{Name: name, Groups: groups}, c.Config)
	if err != nil {
		return nil, fmt.Errorf("adding the user %s: %w", name, err)
	}
	kubeconfig, err := u.KubeConfig()
	if err != nil {
		return nil, fmt.Errorf("writing the kubeconfig of %s: %w", name, err)
	}
	return &User{Name: name, Config: u.Config(), KubeConfig: kubeconfig}, nil
}

// AddManagerUser provisions ManagerUser, for the manager to run as.
func (c *ControlPlane) AddManagerUser() (*User, error) {
	return c.AddUser(ManagerUser, "system:masters")
}

// NewClient is a client reaching the apiserver with cfg, knowing the kinds
// that the adders register.
func NewClient(cfg *rest.Config, adders ...func(*runtime.Scheme) error) (client.Client, error) {
	scheme := runtime.NewScheme()
	for _, add := range adders {
		if err := add(scheme); err != nil {
			return nil, err
		}
	}
	return client.New(cfg, client.Options{Scheme: scheme})
}

// WebhookServerOptions say where the manager's webhook server must listen,
// and where it finds its certificate, for the installed webhooks to reach it.
func (c *ControlPlane) WebhookServerOptions() webhook.Options {
	o := c.env.WebhookInstallOptions
	return webhook.Options{Host: o.LocalServingHost, Port: o.LocalServingPort, CertDir: o.LocalServingCertDir}
}

// WebhookCA is the certificate authority of the webhook server's
// certificate, which the apiserver trusts.
func (c *ControlPlane) WebhookCA() []byte {
	return c.env.WebhookInstallOptions.LocalServingCAData
}

// KillAPIServer kills kube-apiserver alone with SIGKILL, as a crash or an
// out-of-memory kill does: requests in flight are cut, etcd keeps running,
// and clients see refused connections until StartAPIServer. (A graceful
// stop waits a minute for the open watches before it exits.)
func (c *ControlPlane) KillAPIServer() error {
	pid, err := processWithArgument("--cert-dir=" + c.certDir)
	if err != nil {
		return fmt.Errorf("finding kube-apiserver: %w", err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return fmt.Errorf("killing kube-apiserver: %w", err)
	}
	// Stop reaps the process and finds it exited.
	return c.env.ControlPlane.APIServer.Stop()
}

// StartAPIServer starts again the kube-apiserver KillAPIServer killed, on
// the same address with the same certificates and users, and returns once
// it is healthy.
func (c *ControlPlane) StartAPIServer() error {
	return c.env.ControlPlane.APIServer.Start()
}

// Stop stops kube-apiserver and etcd and removes the certificates' folders.
func (c *ControlPlane) Stop() error {
	return stop(c.env, c.certDir)
}

// stop stops the processes before removing the certificates' folders, so
// that a failure to remove them never leaves kube-apiserver and etcd running
// (envtest's own Stop removes them first and returns on failure).
func stop(env *envtest.Environment, certDir string) error {
	return errors.Join(env.ControlPlane.Stop(), env.WebhookInstallOptions.Cleanup(), os.RemoveAll(certDir))
}

func checkAssets(dir string) error {
	if dir == "" {
		return errors.New(AssetsEnv + " is not set: run hack/setup-envtest.sh (or make envtest) and point it at the folder it prints")
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return fmt.Errorf("%s has no %s: run hack/setup-envtest.sh to build the control plane", dir, bin)
		}
	}
	return nil
}
