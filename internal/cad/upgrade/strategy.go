package upgrade

import (
	"fmt"

	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// Strategy is how local changes and upstream changes are combined.
type Strategy string

const (
	// ResourceMerge merges upstream changes into the local package, resource
	// by resource and field by field.
	ResourceMerge Strategy = Strategy(kptfilev1.ResourceMerge)
	// FastForward takes the new upstream, and fails if the local package
	// changed since it was cloned.
	FastForward Strategy = Strategy(kptfilev1.FastForward)
	// ForceDeleteReplace takes the new upstream and drops local changes.
	ForceDeleteReplace Strategy = Strategy(kptfilev1.ForceDeleteReplace)
	// CopyMerge copies the new upstream's files over the local ones and keeps
	// local files upstream does not have.
	CopyMerge Strategy = Strategy(kptfilev1.CopyMerge)
)

// Upgrade returns local moved from oldUpstream to newUpstream with strategy;
// an empty strategy is resource-merge. The Kptfile keeps the local name; its
// upstream and upstreamLock are taken from newUpstream's Kptfile when it has
// them, as kpt takes them from the package it fetched (see UpgradeTo).
func Upgrade(oldUpstream, newUpstream, local cad.Package, strategy Strategy) (cad.Package, error) {
	origin, err := cad.AddMergeComments(oldUpstream)
	if err != nil {
		return nil, fmt.Errorf("old upstream: %w", err)
	}
	updated, err := cad.AddMergeComments(newUpstream)
	if err != nil {
		return nil, fmt.Errorf("new upstream: %w", err)
	}
	switch strategy {
	case ResourceMerge, "":
		dest, err := cad.AddMergeComments(local)
		if err != nil {
			return nil, fmt.Errorf("local: %w", err)
		}
		return resourceMerge(origin, updated, dest)
	case FastForward:
		return fastForward(origin, updated, local)
	case ForceDeleteReplace:
		return forceDeleteReplace(origin, updated, local)
	case CopyMerge:
		return copyMerge(origin, updated, local)
	}
	return nil, fmt.Errorf("unknown upgrade strategy %q", strategy)
}

// UpgradeTo is Upgrade to the upstream version lock: the new upstream's
// Kptfile first records lock and the update strategy, the way kpt records
// where it fetched the new version from and the strategy it was asked for.
// An empty strategy is the local Kptfile's, else resource-merge.
func UpgradeTo(oldUpstream, newUpstream, local cad.Package, strategy Strategy, lock cad.Origin) (cad.Package, error) {
	updateStrategy := kptfilev1.UpdateStrategyType(strategy)
	if content, ok := local[cad.KptfileName]; ok {
		kf, err := kptfile.Read(content)
		if err != nil {
			return nil, fmt.Errorf("local: %w", err)
		}
		if updateStrategy == "" && kf.Upstream != nil {
			updateStrategy = kf.Upstream.UpdateStrategy
		}
	}
	if updateStrategy == "" {
		updateStrategy = kptfilev1.ResourceMerge
	}
	updated := newUpstream.Copy()
	kf := kptfile.New("")
	if content, ok := updated[cad.KptfileName]; ok {
		var err error
		if kf, err = kptfile.Read(content); err != nil {
			return nil, fmt.Errorf("new upstream: %w", err)
		}
	}
	kf.Upstream, kf.UpstreamLock = lock.Kptfile(updateStrategy)
	content, err := kptfile.Marshal(kf)
	if err != nil {
		return nil, err
	}
	updated[cad.KptfileName] = content
	return Upgrade(oldUpstream, updated, local, Strategy(updateStrategy))
}
