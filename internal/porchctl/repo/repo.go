// Package repo is porchctl's repo command: registering repositories of
// packages, listing them, syncing and unregistering them.
package repo

import (
	"github.com/spf13/cobra"

	"github.com/porch-dev/porch/internal/porchctl"
)

// NewCommand returns `porchctl repo` with its subcommands.
func NewCommand(f *porchctl.Factory) *cobra.Command {
	c := porchctl.Group(&cobra.Command{
		Use:     "repo",
		Aliases: []string{"repository"},
		Short:   "Manage package repositories",
		Example: "  # Register a git repository of deployments, creating its branch main\n" +
			"  porchctl repo reg http://127.0.0.1:40123/deployments.git --create-branch\n\n" +
			"  # List the registered repositories\n" +
			"  porchctl repo get",
	})
	o := porchctl.NewOptions(f, c)
	c.AddCommand(newRegisterCommand(o), newGetCommand(o), newUnregisterCommand(o), newSyncCommand(o))
	return c
}
