package porchctl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Group makes c, a command that only holds subcommands, refuse an
// argument that names none of them as the root command does: `porchctl
// rpkg aprove x` fails with `unknown command "aprove" for "porchctl rpkg"`,
// the subcommands it may have meant and where help is, instead of printing
// the help and exiting 0 as cobra leaves such a command. With no argument
// it prints its help.
func Group(c *cobra.Command) *cobra.Command {
	c.Args = cobra.ArbitraryArgs
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's own, which it sets for the root only
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return unknownCommand(cmd, args[0])
	}
	return c
}

func unknownCommand(cmd *cobra.Command, arg string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown command %q for %q", arg, cmd.CommandPath())
	if suggestions := cmd.SuggestionsFor(arg); len(suggestions) > 0 {
		b.WriteString("\n\nDid you mean this?\n")
		for _, s := range suggestions {
			fmt.Fprintf(&b, "\t%s\n", s)
		}
	}
	fmt.Fprintf(&b, "\nRun '%s --help' for usage.", cmd.CommandPath())
	return errors.New(b.String())
}
