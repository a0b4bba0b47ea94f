// Package rpkg is porchctl's rpkg command: package revisions in
// registered repositories, as upstream porchctl drives them.
package rpkg

import (
	"github.com/spf13/cobra"

	"github.com/porch-dev/porch/internal/porchctl"
)

// NewCommand returns `porchctl rpkg` with its subcommands.
func NewCommand(f *porchctl.Factory) *cobra.Command {
	c := porchctl.Group(&cobra.Command{
		Use:     "rpkg",
		Aliases: []string{"rpackage"},
		Short:   "Manage package revisions in registered repositories",
		Example: "  # List the package revisions of the current namespace\n" +
			"  porchctl rpkg get\n\n" +
			"  # Clone a published blueprint into the repository deployments, then propose and approve the clone\n" +
			"  porchctl rpkg clone blueprints.app.v1 my-app --repository deployments\n" +
			"  porchctl rpkg propose deployments.my-app.v1\n" +
			"  porchctl rpkg approve deployments.my-app.v1",
	})
	o := porchctl.NewOptions(f, c)
	c.AddCommand(newGetCommand(o), newInitCommand(o), newProposeCommand(o), newApproveCommand(o), newRejectCommand(o),
		newProposeDeleteCommand(o), newDeleteCommand(o), newCloneCommand(o), newCopyCommand(o), newUpgradeCommand(o),
		newPullCommand(o), newPushCommand(o), newDiffCommand(o))
	o.CompleteRepositoryFlag(c)
	return c
}
