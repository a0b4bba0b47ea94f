package kptfile

import (
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// Description is what a stored revision reports of its Kptfile, wherever
// it is stored (git, OCI).
type Description struct {
	// UpstreamLock is the Kptfile's upstreamLock, when it locates a git
	// package or an image; nil otherwise.
	UpstreamLock *porchv1alpha1.Locator
	// Gates are the readiness gates of the Kptfile's info.
	Gates []porchv1alpha1.ReadinessGate
	// Conditions are the package's own, from the Kptfile's status.
	Conditions []porchv1alpha1.PackageCondition
}

// Describe reads a Kptfile's Description. It is lenient where Read is
// strict: a mirrored revision reports what it can of a Kptfile a user
// wrote. An error says the Kptfile does not parse at all, which the
// revision reports without being dropped.
func Describe(data []byte) (Description, error) {
	var kf File
	if err := yaml.Unmarshal(data, &kf); err != nil {
		return Description{}, fmt.Errorf("the Kptfile does not parse: %v", err)
	}
	return Description{UpstreamLock: apiLock(kf.UpstreamLock), Gates: ReadinessGates(&kf), Conditions: PackageConditions(&kf)}, nil
}

func apiLock(lock *Locator) *porchv1alpha1.Locator {
	switch {
	case lock == nil:
		return nil
	case lock.Git != nil && (lock.Type == "" || lock.Type == kptfilev1.GitOrigin):
		return &porchv1alpha1.Locator{
			Type: porchv1alpha1.OriginTypeGit,
			Git: &porchv1alpha1.GitLock{
				Repo:      lock.Git.Repo,
				Directory: lock.Git.Directory,
				Ref:       lock.Git.Ref,
				Commit:    lock.Git.Commit,
			},
		}
	case lock.Oci != nil && lock.Type == OciOrigin:
		return &porchv1alpha1.Locator{Type: porchv1alpha1.OriginTypeOCI, Oci: &porchv1alpha1.OciLock{Image: lock.Oci.Image}}
	}
	return nil
}
