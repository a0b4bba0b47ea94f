package git

import (
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// parseUpstreamLock reads the upstreamLock of a Kptfile. Only a git lock is
// returned; an error says the Kptfile does not parse as one, which the
// revision reports without being dropped.
func parseUpstreamLock(data []byte) (*porchv1alpha1.Locator, error) {
	var kf kptfilev1.KptFile
	if err := yaml.Unmarshal(data, &kf); err != nil {
		return nil, fmt.Errorf("the Kptfile does not parse: %v", err)
	}
	lock := kf.UpstreamLock
	if lock == nil || lock.Git == nil {
		return nil, nil
	}
	return &porchv1alpha1.Locator{
		Type: porchv1alpha1.OriginTypeGit,
		Git: &porchv1alpha1.GitLock{
			Repo:      lock.Git.Repo,
			Directory: lock.Git.Directory,
			Ref:       lock.Git.Ref,
			Commit:    lock.Git.Commit,
		},
	}, nil
}
