package packagevariant

import (
	"context"
	"strconv"
	"strings"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
	"github.com/porch-dev/porch/internal/variant"
)

// resolveUpstream finds the published revision spec.upstream names. When
// there is none yet, the variant is Stalled and tried again later.
func (r *Reconciler) resolveUpstream(s *scope) error {
	up := s.pv.Spec.Upstream
	if s.upstream = variant.Upstream(s.upstreamRevisions, up); s.upstream == nil {
		return &outcome.Waiting{Reason: configv1alpha1.ReasonUpstreamNotFound, Stalled: true, RequeueAfter: outcome.Jitter(r.Options.RetryInterval),
			Message: variant.UpstreamNotFound(up)}
	}
	return nil
}

// upstreamOf is the name of the upstream revision pr was cloned from or
// last upgraded to, read from its task (following edits back to where they
// started), or else from its Kptfile's upstreamLock; empty when neither
// says.
func (r *Reconciler) upstreamOf(ctx context.Context, s *scope, pr *porchv1alpha1.PackageRevision) string {
	for range 100 {
		if len(pr.Spec.Tasks) == 0 {
			break
		}
		task := pr.Spec.Tasks[0]
		if task.Type == porchv1alpha1.TaskTypeClone && task.Clone != nil && task.Clone.Upstream.UpstreamRef != nil {
			return task.Clone.Upstream.UpstreamRef.Name
		}
		if task.Type == porchv1alpha1.TaskTypeUpgrade && task.Upgrade != nil {
			return task.Upgrade.NewUpstream.Name
		}
		if task.Type != porchv1alpha1.TaskTypeEdit || task.Edit == nil || task.Edit.Source == nil {
			break
		}
		source := &porchv1alpha1.PackageRevision{}
		if err := r.Get(ctx, key(pr.Namespace, task.Edit.Source.Name), source); err != nil {
			break
		}
		pr = source
	}
	return lockedUpstream(s, pr)
}

// lockedUpstream is the upstream revision the Kptfile's upstreamLock of pr
// names, among the revisions of the variant's upstream package: in git by
// the ref <package path>/v<N>, in an OCI repository by the tag named
// after its workspace.
func lockedUpstream(s *scope, pr *porchv1alpha1.PackageRevision) string {
	lock := pr.Status.UpstreamLock
	switch {
	case lock == nil:
		return ""
	case lock.Oci != nil:
		repo, tag := lock.Oci.RepositoryAndTag()
		if tag == "" || !strings.HasSuffix(repo, "/"+s.pv.Spec.Upstream.Package) {
			return ""
		}
		for _, up := range s.upstreamRevisions {
			if up.Spec.WorkspaceName == tag && up.Spec.Lifecycle.IsPublished() {
				return up.Name
			}
		}
		return ""
	case lock.Git == nil:
		return ""
	}
	i := strings.LastIndex(lock.Git.Ref, "/v")
	if i < 0 {
		return ""
	}
	pkg := lock.Git.Ref[:i]
	n, err := strconv.Atoi(lock.Git.Ref[i+2:])
	if err != nil || (pkg != s.pv.Spec.Upstream.Package && !strings.HasSuffix(pkg, "/"+s.pv.Spec.Upstream.Package)) {
		return ""
	}
	for _, up := range s.upstreamRevisions {
		if up.Spec.Revision == n {
			return up.Name
		}
	}
	return ""
}
