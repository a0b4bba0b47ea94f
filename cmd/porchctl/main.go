// Command porchctl is the command line of the package orchestrator, with
// upstream porchctl's commands and flags: `porchctl rpkg ...` works with
// package revisions through the cluster of the kubeconfig, and
// `porchctl fn render DIR` renders a local package.
package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/porch-dev/porch/internal/porchctl"
	"github.com/porch-dev/porch/internal/porchctl/repo"
	"github.com/porch-dev/porch/internal/porchctl/rpkg"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		porchctl.PrintError(os.Stderr, err)
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "porchctl",
		Short:         "Work with kpt packages and the package orchestrator",
		SilenceUsage:  true,
		SilenceErrors: true, // main prints them, each once
		Example: "  # Register a git repository of deployments, creating its branch main\n" +
			"  porchctl repo reg http://127.0.0.1:40123/deployments.git --create-branch\n\n" +
			"  # Clone a published blueprint into it and list its revisions\n" +
			"  porchctl rpkg clone blueprints.app.v1 my-app --repository deployments\n" +
			"  porchctl rpkg get --repository deployments\n\n" +
			"  # Render a local package in place\n" +
			"  porchctl fn render my-app",
	}
	fn := porchctl.Group(&cobra.Command{
		Use:   "fn",
		Short: "Run the functions of packages",
		Example: "  # Render the package in the folder my-app in place\n" +
			"  porchctl fn render my-app",
	})
	fn.AddCommand(newRenderCommand())
	root.AddCommand(fn)
	f := porchctl.NewFactory()
	f.Flags.AddFlags(root.PersistentFlags())
	root.AddCommand(repo.NewCommand(f), rpkg.NewCommand(f), newVersionCommand())
	return root
}
