package packagevariant

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/controller/outcome"
)

// workspacePrefix starts the workspace of every revision a variant makes.
const workspacePrefix = "packagevariant-"

// ensureDownstream makes the revision the variant is missing: a clone of
// the upstream when it has none; for its latest Published revision, an
// upgrade when the upstream moved on, or an edit when the mutations are
// out of date. It makes nothing while a Draft or Proposed revision exists.
func (r *Reconciler) ensureDownstream(ctx context.Context, s *scope) error {
	if len(s.targets) == 0 {
		if len(s.downstream) > 0 {
			down := s.pv.Spec.Downstream
			return &outcome.Stalling{Reason: configv1alpha1.ReasonDownstreamNotOwned, Message: fmt.Sprintf(
				"spec.downstream: package %q already exists in repository %q and is not this PackageVariant's: "+
					"set spec.adoptionPolicy to adoptExisting to take it over, or name another package", down.Package, down.Repo)}
		}
		return r.createDraft(ctx, s, porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
			Upstream: porchv1alpha1.UpstreamPackage{UpstreamRef: &porchv1alpha1.PackageRevisionRef{Name: s.upstream.Name}}}})
	}
	published := s.targets[0]
	if len(s.targets) > 1 || published.Spec.Lifecycle != porchv1alpha1.PackageRevisionLifecyclePublished {
		return nil
	}
	switch current := r.upstreamOf(ctx, s, published); current {
	case "":
		return &outcome.Stalling{Reason: configv1alpha1.ReasonUpstreamUnknown, Message: fmt.Sprintf(
			"%s says neither by its task nor by its Kptfile's upstreamLock which upstream revision it came from, so it cannot be upgraded", published.Name)}
	case s.upstream.Name:
	default:
		return r.createDraft(ctx, s, porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeUpgrade, Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{
			OldUpstream:             porchv1alpha1.PackageRevisionRef{Name: current},
			NewUpstream:             porchv1alpha1.PackageRevisionRef{Name: s.upstream.Name},
			LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: published.Name},
			Strategy:                porchv1alpha1.ResourceMerge,
		}})
	}
	current, err := r.mutationsCurrent(ctx, s, published)
	if err != nil || current {
		return err
	}
	return r.createDraft(ctx, s, porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit, Edit: &porchv1alpha1.PackageEditTaskSpec{
		Source: &porchv1alpha1.PackageRevisionRef{Name: published.Name}}})
}

// createDraft makes a Draft of the downstream package by task, owned by the
// variant, in workspace packagevariant-<N>, N one more than the highest
// such workspace of the package. The name follows from it, so two
// reconciles racing make one revision, and the loser a conflict.
func (r *Reconciler) createDraft(ctx context.Context, s *scope, task porchv1alpha1.Task) error {
	down := s.pv.Spec.Downstream
	workspace := workspacePrefix + strconv.Itoa(highestWorkspace(s.downstream)+1)
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: s.pv.Namespace, Name: porchv1alpha1.RevisionName(down.Repo, down.Package, workspace),
			Labels: maps.Clone(s.pv.Spec.Labels), Annotations: maps.Clone(s.pv.Spec.Annotations),
			OwnerReferences: []metav1.OwnerReference{ownerReference(s.pv)},
		},
		Spec: porchv1alpha1.PackageRevisionSpec{
			PackageName: down.Package, RepositoryName: down.Repo, WorkspaceName: workspace,
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, Tasks: []porchv1alpha1.Task{task},
			// Recorded in the Kptfile, so that git says whose it is.
			PackageMetadata: &porchv1alpha1.PackageMetadata{Annotations: map[string]string{configv1alpha1.PackageVariantAnnotation: s.pv.Name}},
		},
	}
	if err := r.Create(ctx, pr, FieldOwner); err != nil {
		return err
	}
	r.report.Event(s.pv, "Created", "created %s by %s of %s", pr.Name, task.Type, s.upstream.Name)
	s.targets = []*porchv1alpha1.PackageRevision{pr}
	s.pending = fmt.Sprintf("%s is being made by %s", pr.Name, task.Type)
	return nil
}

// highestWorkspace is the highest N of the package's packagevariant-<N>
// workspaces; 0 when there are none.
func highestWorkspace(revisions []*porchv1alpha1.PackageRevision) int {
	highest := 0
	for _, pr := range revisions {
		if n, err := strconv.Atoi(strings.TrimPrefix(pr.Spec.WorkspaceName, workspacePrefix)); err == nil &&
			strings.HasPrefix(pr.Spec.WorkspaceName, workspacePrefix) && n > highest {
			highest = n
		}
	}
	return highest
}
