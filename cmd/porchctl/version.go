package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and commit are set by make build (-ldflags -X) from git.
var version, commit string

// newVersionCommand prints the build's version and commit, as upstream
// porchctl's version does: those make build recorded, else those the Go
// toolchain did, else "unknown".
func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version number of porchctl",
		Example: "  # Print porchctl's version and git commit\n" +
			"  porchctl version",
		Args: cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			v, c := buildVersion()
			fmt.Fprintf(cmd.OutOrStdout(), "Version: %s\nGit commit: %s\n", v, c)
		},
	}
}

func buildVersion() (string, string) {
	v, c := version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if m := info.Main.Version; v == "" && m != "" && m != "(devel)" {
			v = m
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "unknown"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}
