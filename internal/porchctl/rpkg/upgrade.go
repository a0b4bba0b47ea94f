package rpkg

import (
	"fmt"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// upgradeFlags are upgrade's flags, as upstream names them.
type upgradeFlags struct {
	revision  int
	workspace string
	strategy  string
	discover  string
}

func newUpgradeCommand(o *porchctl.Options) *cobra.Command {
	f := &upgradeFlags{}
	c := &cobra.Command{
		Use:               "upgrade SOURCE_PACKAGE_REVISION",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, 1),
		Short:             "Upgrade a downstream package revision to a newer revision of its upstream",
		Long: "Create a new revision of SOURCE_PACKAGE_REVISION that merges in the changes of a newer revision of its upstream " +
			"(the latest, or --revision). With --discover=upstream or --discover=downstream, list the upgrades available instead.",
		Example: "  # List the upgrades available to the revisions cloned from an upstream\n" +
			"  porchctl rpkg upgrade --discover=upstream\n\n" +
			"  # Upgrade deployments.my-app.v1 to the latest revision of its upstream, as the Draft deployments.my-app.v2\n" +
			"  porchctl rpkg upgrade deployments.my-app.v1 --workspace v2\n\n" +
			"  # Upgrade it to revision 2 of its upstream, with a fast-forward merge\n" +
			"  porchctl rpkg upgrade deployments.my-app.v1 --workspace v2 --revision 2 --strategy fast-forward",
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			revisions, err := allRevisions(s)
			if err != nil {
				return err
			}
			if f.discover != "" {
				return discoverUpgrades(cmd, s, f.discover, revisions, args)
			}
			if len(args) == 0 {
				return fmt.Errorf("SOURCE_PACKAGE_REVISION is a required positional argument")
			}
			if len(args) > 1 {
				return fmt.Errorf("too many arguments; SOURCE_PACKAGE_REVISION is the only accepted positional arguments")
			}
			if f.revision < 0 {
				return fmt.Errorf("revision must be positive (and not main)")
			}
			if f.workspace == "" {
				return fmt.Errorf("--workspace is required: the workspace of the new revision the upgrade makes")
			}
			strategy, err := mergeStrategy(f.strategy)
			if err != nil {
				return err
			}
			local := revisions.named(args[0])
			if local == nil {
				return fmt.Errorf("could not find package revision %s", args[0])
			}
			task, err := upgradeTask(revisions, local, f.revision, strategy)
			if err != nil {
				return err
			}
			pr := newRevision(s.Namespace, local.Spec.RepositoryName, local.Spec.PackageName, f.workspace, task)
			if err := s.Client.Create(s.Ctx, pr); err != nil {
				return fmt.Errorf("%s", porchctl.Reason(err))
			}
			if _, err := porchctl.Revision(s.Ctx, s.Client, s.Key(pr.Name), s.Timeout); err != nil {
				return fmt.Errorf("%s failed: %s", pr.Name, porchctl.Reason(err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s upgraded to %s\n", local.Name, pr.Name)
			return nil
		},
	}
	c.Flags().IntVar(&f.revision, "revision", 0, "Revision of the upstream package to upgrade to; the latest when 0.")
	c.Flags().StringVar(&f.workspace, "workspace", "", "Workspace name of the upgrade package revision (required, but with --discover).")
	c.Flags().StringVar(&f.strategy, "strategy", string(porchv1alpha1.ResourceMerge),
		"update strategy used to merge; one of: resource-merge,fast-forward,force-delete-replace,copy-merge")
	c.Flags().StringVar(&f.discover, "discover", "",
		"list available upgrades instead of upgrading: 'upstream' (for the revisions named, or all) or 'downstream' (of the upstream revisions named, or all)")
	return c
}

// upgradeTask is the task that upgrades local from its upstream to the
// upstream's revision (the latest when 0).
func upgradeTask(revisions revisionSet, local *porchv1alpha1.PackageRevision, revision int, strategy porchv1alpha1.PackageMergeStrategy) (porchv1alpha1.Task, error) {
	if !local.Spec.Lifecycle.IsPublished() {
		return porchv1alpha1.Task{}, fmt.Errorf("to upgrade a package, it must be in a published state, not %q", local.Spec.Lifecycle)
	}
	oldName := revisions.upstreamOf(local)
	if oldName == "" {
		return porchv1alpha1.Task{}, fmt.Errorf("upstream source not found for package revision %q: no clone or upgrade type package revision was found in the history of the package", local.Spec.PackageName)
	}
	old := revisions.named(oldName)
	if old == nil {
		return porchv1alpha1.Task{}, fmt.Errorf("upstream package revision %s no longer exists", oldName)
	}
	if !old.Spec.Lifecycle.IsPublished() {
		return porchv1alpha1.Task{}, fmt.Errorf("old upstream package revision %s is not published", old.Name)
	}
	next := revisions.published(old.Spec.RepositoryName, old.Spec.PackageName, revision)
	if next == nil {
		if revision == 0 {
			return porchv1alpha1.Task{}, fmt.Errorf("failed to find latest published revision for package %s in repo %s (--revision was %d)",
				old.Spec.PackageName, old.Spec.RepositoryName, revision)
		}
		return porchv1alpha1.Task{}, fmt.Errorf("revision %d does not exist for package %s in repo %s", revision, old.Spec.PackageName, old.Spec.RepositoryName)
	}
	return porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeUpgrade, Upgrade: &porchv1alpha1.PackageUpgradeTaskSpec{
		OldUpstream: porchv1alpha1.PackageRevisionRef{Name: old.Name}, NewUpstream: porchv1alpha1.PackageRevisionRef{Name: next.Name},
		LocalPackageRevisionRef: porchv1alpha1.PackageRevisionRef{Name: local.Name}, Strategy: strategy,
	}}, nil
}

// revisionSet is every revision of the namespace, for looking up upstreams.
type revisionSet []porchv1alpha1.PackageRevision

func allRevisions(s *porchctl.Session) (revisionSet, error) {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := s.Client.List(s.Ctx, list, client.InNamespace(s.Namespace)); err != nil {
		return nil, err
	}
	return list.Items, nil
}

func (rs revisionSet) named(name string) *porchv1alpha1.PackageRevision {
	for i := range rs {
		if rs[i].Name == name {
			return &rs[i]
		}
	}
	return nil
}

// published is the published revision of a package with number revision,
// or the highest when revision is 0.
func (rs revisionSet) published(repository, pkg string, revision int) *porchv1alpha1.PackageRevision {
	var found *porchv1alpha1.PackageRevision
	for i := range rs {
		pr := &rs[i]
		if pr.Spec.RepositoryName != repository || pr.Spec.PackageName != pkg || !pr.Spec.Lifecycle.IsPublished() || pr.Spec.Revision < 1 {
			continue
		}
		if revision == pr.Spec.Revision || revision == 0 && (found == nil || pr.Spec.Revision > found.Spec.Revision) {
			found = pr
		}
	}
	return found
}

// upstreamOf is the name of the upstream revision pr was cloned from or
// last upgraded to, following edits back; "" when there is none.
func (rs revisionSet) upstreamOf(pr *porchv1alpha1.PackageRevision) string {
	for seen := 0; pr != nil && len(pr.Spec.Tasks) > 0 && seen <= len(rs); seen++ {
		task := pr.Spec.Tasks[0]
		switch {
		case task.Type == porchv1alpha1.TaskTypeClone && task.Clone != nil && task.Clone.Upstream.UpstreamRef != nil:
			return task.Clone.Upstream.UpstreamRef.Name
		case task.Type == porchv1alpha1.TaskTypeUpgrade && task.Upgrade != nil:
			return task.Upgrade.NewUpstream.Name
		case task.Type == porchv1alpha1.TaskTypeEdit && task.Edit != nil && task.Edit.Source != nil:
			pr = rs.named(task.Edit.Source.Name)
		default:
			return ""
		}
	}
	return ""
}
