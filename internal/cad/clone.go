package cad

import (
	"fmt"
	"strings"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// Origin is where a clone's or an upgrade's upstream was read from, as the
// Kptfile records it: a GitLock or an ImageLock.
type Origin interface {
	// Kptfile returns the Kptfile's upstream and upstreamLock.
	Kptfile(strategy kptfilev1.UpdateStrategyType) (*kptfile.Upstream, *kptfile.Locator)
}

// GitLock locates one version of a package in a git repository.
type GitLock struct {
	// Repo is the repository's URL.
	Repo string
	// Directory is the package's folder in the repository; kpt writes it with
	// a leading '/'.
	Directory string
	// Ref is the branch, tag or commit asked for.
	Ref string
	// Commit is the commit Ref resolved to.
	Commit string
}

// CloneOptions describes the package a clone creates.
type CloneOptions struct {
	// Name becomes the Kptfile's metadata.name.
	Name string
	// Upstream is where the upstream package was read from.
	Upstream Origin
	// Deployment writes a package context naming the package, for packages
	// that are deployed rather than cloned again.
	Deployment bool
	// PackagePath is the package's path in its repository, written to the
	// package context of a deployment.
	PackagePath string
	// Strategy is recorded as the Kptfile's upstream.updateStrategy, for
	// later upgrades; resource-merge when empty.
	Strategy kptfilev1.UpdateStrategyType
}

// Clone returns a new package made from upstream as kpt pkg get makes it:
// resources carry their upstream identity for later updates, and the Kptfile
// is renamed and records the upstream and the resolved commit.
func Clone(upstream Package, opts CloneOptions) (Package, error) {
	if opts.Name == "" {
		return nil, fmt.Errorf("clone: a package name is required")
	}
	out, err := AddMergeComments(upstream)
	if err != nil {
		return nil, fmt.Errorf("clone: %w", err)
	}
	kf := kptfile.New(opts.Name)
	if content, ok := out[KptfileName]; ok {
		if kf, err = kptfile.Read(content); err != nil {
			return nil, fmt.Errorf("clone: %w", err)
		}
	}
	if opts.Upstream == nil {
		return nil, fmt.Errorf("clone: the upstream's origin is required")
	}
	kf.Name = opts.Name
	strategy := opts.Strategy
	if strategy == "" {
		strategy = kptfilev1.ResourceMerge
	}
	kf.Upstream, kf.UpstreamLock = opts.Upstream.Kptfile(strategy)
	if out[KptfileName], err = kptfile.Marshal(kf); err != nil {
		return nil, fmt.Errorf("clone: %w", err)
	}
	if opts.Deployment {
		if out[PackageContextName], err = packageContext(opts.Name, opts.PackagePath); err != nil {
			return nil, fmt.Errorf("clone: %w", err)
		}
	}
	return out, nil
}

// Kptfile returns the Kptfile's upstream and upstreamLock for l.
func (l GitLock) Kptfile(strategy kptfilev1.UpdateStrategyType) (*kptfile.Upstream, *kptfile.Locator) {
	dir := "/" + strings.TrimPrefix(l.Directory, "/")
	if dir != "/" {
		dir = strings.TrimSuffix(dir, "/")
	}
	return &kptfile.Upstream{
			Type:           kptfilev1.GitOrigin,
			Git:            &kptfilev1.Git{Repo: l.Repo, Directory: dir, Ref: l.Ref},
			UpdateStrategy: strategy,
		}, &kptfile.Locator{
			Type: kptfilev1.GitOrigin,
			Git:  &kptfilev1.GitLock{Repo: l.Repo, Directory: dir, Ref: l.Ref, Commit: l.Commit},
		}
}

// ImageLock locates one version of a package stored as an OCI image.
type ImageLock struct {
	// Image is the image as asked for: host/repository:tag, or by digest.
	Image string
	// Digest is the image it resolved to: host/repository[:tag]@sha256:...
	Digest string
}

// Kptfile returns the Kptfile's upstream and upstreamLock for l, with the
// OCI origin upstream Porch writes.
func (l ImageLock) Kptfile(strategy kptfilev1.UpdateStrategyType) (*kptfile.Upstream, *kptfile.Locator) {
	return &kptfile.Upstream{
			Type:           kptfile.OciOrigin,
			Oci:            &kptfile.Oci{Image: l.Image},
			UpdateStrategy: strategy,
		}, &kptfile.Locator{
			Type: kptfile.OciOrigin,
			Oci:  &kptfile.Oci{Image: l.Digest},
		}
}
