package repository

import (
	"context"
	"fmt"
	"sort"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad/kptfile"
	"github.com/porch-dev/porch/internal/git"
	"github.com/porch-dev/porch/internal/oci"
)

// readRegistry reads the revisions of an OCI repository, pulling only the
// images the memo does not hold, and gives them the shape a git
// repository's take, which the sync turns into objects alike. The registry
// is listed again, after the objects were: the probe's listing, which
// decided that the sync runs, may be older than a revision's change that
// the objects already show (an approval written meanwhile), and mirroring
// it would undo that change (see apply).
func (r *Reconciler) readRegistry(ctx context.Context, s *scope, memo *repoMemo) (*git.Discovery, error) {
	listing, err := s.registry.List(ctx, r.Options.WriteWorkers)
	if err != nil {
		return nil, r.wrap(err)
	}
	revs, skipped, err := s.registry.Discover(ctx, listing, memo.imageCache(), r.Options.WriteWorkers)
	if err != nil {
		return nil, r.wrap(err)
	}
	found := &git.Discovery{Skipped: skipped}
	for _, rev := range revs {
		found.Revisions = append(found.Revisions, registryRevision(rev, r.Options.MaxPackageBytes))
	}
	sort.SliceStable(found.Revisions, func(i, j int) bool {
		a, b := found.Revisions[i], found.Revisions[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Revision != b.Revision {
			return a.Revision < b.Revision
		}
		return a.WorkspaceName < b.WorkspaceName
	})
	return found, nil
}

// registryRevision is an image's revision as the sync mirrors it: its tag
// is its ref, its manifest digest its commit, and its Kptfile says what a
// git revision's says.
func registryRevision(rev oci.Revision, maxPackageBytes int64) git.PackageRevision {
	c := rev.Content
	out := git.PackageRevision{
		Package:       rev.Package,
		Path:          rev.Package,
		WorkspaceName: rev.Tag,
		Revision:      c.Revision,
		Lifecycle:     c.Lifecycle,
		Ref:           rev.Ref(),
		Commit:        rev.Digest.String(),
		CommitTime:    c.Created,
		Files:         c.Files,
		Size:          rev.Size,
		TooLarge:      rev.TooLarge,
		ContentID:     fmt.Sprintf("%s/%d", rev.Layer, maxPackageBytes),
	}
	if rev.Tag == oci.LatestTag {
		// The package's placeholder, as a git repository's registered branch
		// gives one (see oci's latest.go).
		out.Revision, out.Lifecycle = -1, porchv1alpha1.PackageRevisionLifecyclePublished
	}
	if len(c.Tasks) > 0 {
		out.Task = c.Tasks[0].DeepCopy()
	}
	if rev.TooLarge {
		return out
	}
	desc, err := kptfile.Describe([]byte(c.Files[kptfile.Name]))
	if err != nil {
		out.KptfileError = err.Error()
		return out
	}
	out.UpstreamLock, out.Gates, out.Conditions = desc.UpstreamLock, desc.Gates, desc.Conditions
	return out
}
