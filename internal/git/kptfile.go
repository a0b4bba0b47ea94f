package git

import (
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// parseKptfile reads what a revision reports of its Kptfile: the upstreamLock
// (only a git lock), the readiness gates of its info and the package's own
// conditions. An error says the
// Kptfile does not parse, which the revision reports without being dropped.
func parseKptfile(data []byte) (kptfileInfo, error) {
	var kf kptfilev1.KptFile
	if err := yaml.Unmarshal(data, &kf); err != nil {
		return kptfileInfo{}, fmt.Errorf("the Kptfile does not parse: %v", err)
	}
	return kptfileInfo{lock: gitLock(kf.UpstreamLock), gates: kptfile.ReadinessGates(&kf), conditions: kptfile.PackageConditions(&kf)}, nil
}

func gitLock(lock *kptfilev1.UpstreamLock) *porchv1alpha1.Locator {
	if lock == nil || lock.Git == nil {
		return nil
	}
	return &porchv1alpha1.Locator{
		Type: porchv1alpha1.OriginTypeGit,
		Git: &porchv1alpha1.GitLock{
			Repo:      lock.Git.Repo,
			Directory: lock.Git.Directory,
			Ref:       lock.Git.Ref,
			Commit:    lock.Git.Commit,
		},
	}
}
