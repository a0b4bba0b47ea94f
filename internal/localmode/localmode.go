// Package localmode runs everything the product needs on one machine with no
// cluster: a local control plane whose etcd data survives restarts, a
// loopback git server and a loopback OCI registry, with an admin kubeconfig
// and the servers' addresses written into one folder.
package localmode

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/porch-dev/porch/internal/controlplane"
	"github.com/porch-dev/porch/internal/gitserver"
)

// Files and folders inside the local mode's folder.
const (
	KubeconfigFile = "kubeconfig"
	GitURLFile     = "git-url"
	// OCIURLFile holds the local registry's host:port.
	OCIURLFile = "oci-url"
	// seedTimeFile holds when the example images were first made.
	seedTimeFile = "seeded-at"
	EtcdDir      = "etcd"
	GitDir       = "git"
)

// Options configure the local mode.
type Options struct {
	// Dir holds etcd's data, the git repositories, the kubeconfig and the git URL.
	Dir string
	// AssetsDir holds kube-apiserver and etcd; $KUBEBUILDER_ASSETS when empty.
	AssetsDir string
	// GitLog receives the git server's errors; nil means the standard logger.
	GitLog *log.Logger
}

// Env is the running local mode.
type Env struct {
	Plane *controlplane.ControlPlane
	Git   *gitserver.Server
	// Registry serves OCI images on loopback.
	Registry *Registry
	// KubeconfigPath is the absolute path of the admin kubeconfig, for users.
	KubeconfigPath string
	// Manager is the user the manager runs as (controlplane.ManagerUser),
	// which its webhooks must count as the system.
	Manager *controlplane.User
	// SeededBlueprints says this run made the example repository
	// BlueprintsRepository, which is then to be registered; see Register.
	SeededBlueprints bool
}

// Start starts the control plane and the git server and writes the kubeconfig and git URL.
func Start(opts Options) (_ *Env, retErr error) {
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	env := &Env{KubeconfigPath: filepath.Join(dir, KubeconfigFile)}
	defer func() {
		if retErr != nil {
			retErr = errors.Join(retErr, env.Stop())
		}
	}()

	if env.Plane, err = controlplane.Start(controlplane.Options{AssetsDir: opts.AssetsDir, EtcdDataDir: filepath.Join(dir, EtcdDir)}); err != nil {
		return env, err
	}
	if err := writeFile(env.KubeconfigPath, env.Plane.KubeConfig); err != nil {
		return env, err
	}
	if env.Manager, err = env.Plane.AddManagerUser(); err != nil {
		return env, err
	}

	if env.Git, err = startGit(dir, opts.GitLog); err != nil {
		return env, err
	}
	if err := writeFile(filepath.Join(dir, GitURLFile), []byte(env.Git.URL()+"\n")); err != nil {
		return env, err
	}
	if env.Registry, err = startRegistry(filepath.Join(dir, OCIURLFile)); err != nil {
		return env, err
	}
	if err := writeFile(filepath.Join(dir, OCIURLFile), []byte(env.Registry.Host+"\n")); err != nil {
		return env, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if env.SeededBlueprints, err = env.seedBlueprints(ctx, filepath.Join(dir, GitDir)); err != nil {
		return env, fmt.Errorf("making the example repository %s: %w", BlueprintsRepository, err)
	}
	madeAt, err := seedTime(filepath.Join(dir, seedTimeFile))
	if err != nil {
		return env, err
	}
	if err := env.Registry.seedImages(ctx, madeAt); err != nil {
		return env, fmt.Errorf("making the example images: %w", err)
	}
	return env, nil
}

// startGit serves the repositories under dir/git on the address of the
// previous run when there was one, since Repository objects kept in etcd
// point at it.
func startGit(dir string, logger *log.Logger) (*gitserver.Server, error) {
	root := filepath.Join(dir, GitDir)
	addr := previousAddr(filepath.Join(dir, GitURLFile))
	srv, err := gitserver.New(gitserver.Options{Root: root, Addr: addr, AutoCreate: true, ErrorLog: logger})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		if addr == "" {
			return nil, fmt.Errorf("starting the git server: %w", err)
		}
		return nil, fmt.Errorf("starting the git server on %s, the address of the previous run that Repositories point at: %w; "+
			"free that port, or remove %s to start afresh", addr, err, dir)
	}
	return srv, nil
}

// previousAddr is the host:port of the git URL written by an earlier run, if any.
func previousAddr(gitURLFile string) string {
	data, err := os.ReadFile(gitURLFile)
	if err != nil {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(string(data)))
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Host
}

// Stop stops the git server and the control plane; etcd's data stays.
func (e *Env) Stop() error {
	var errs []error
	if e.Git != nil {
		errs = append(errs, e.Git.Close())
	}
	if e.Registry != nil {
		errs = append(errs, e.Registry.Close())
	}
	if e.Plane != nil {
		errs = append(errs, e.Plane.Stop())
	}
	return errors.Join(errs...)
}

// writeFile replaces a file atomically, readable only by its owner: the
// kubeconfig holds an administrator's client key.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
