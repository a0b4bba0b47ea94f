// Command porchctl is the command line of the package orchestrator. For now
// it renders local packages: `porchctl fn render DIR`.
package main

import (
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "porchctl",
		Short:         "Work with kpt packages and the package orchestrator",
		SilenceUsage:  true,
		SilenceErrors: false,
	}
	fn := &cobra.Command{
		Use:   "fn",
		Short: "Run the functions of packages",
	}
	fn.AddCommand(newRenderCommand())
	root.AddCommand(fn)
	return root
}
