// Package controlplane starts a local kube-apiserver and etcd (the envtest
// control plane built by hack/setup-envtest.sh) with the project's CRDs
// installed. The local mode and the envtest suites both use it.
package controlplane

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/porch-dev/porch/config/crd"
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

// ControlPlane is a running kube-apiserver and etcd with the CRDs installed.
type ControlPlane struct {
	env *envtest.Environment
	// Config reaches the apiserver as an administrator.
	Config *rest.Config
	// KubeConfig is Config as a kubeconfig file.
	KubeConfig []byte
}

// Start starts etcd and kube-apiserver and installs the CRDs.
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
	env := &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		CRDs:                     crds,
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
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
		return nil, errors.Join(fmt.Errorf("starting the control plane from %s: %w", assets, err), env.Stop())
	}
	return &ControlPlane{env: env, Config: cfg, KubeConfig: env.KubeConfig}, nil
}

// Stop stops kube-apiserver and etcd.
func (c *ControlPlane) Stop() error {
	return c.env.Stop()
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
