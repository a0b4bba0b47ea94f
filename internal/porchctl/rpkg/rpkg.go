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
	})
	o := porchctl.NewOptions(f, c)
	c.AddCommand(newGetCommand(o), newInitCommand(o), newProposeCommand(o), newApproveCommand(o), newRejectCommand(o),
		newProposeDeleteCommand(o), newDeleteCommand(o), newCloneCommand(o), newCopyCommand(o), newUpgradeCommand(o),
		newPullCommand(o), newPushCommand(o))
	return c
}
