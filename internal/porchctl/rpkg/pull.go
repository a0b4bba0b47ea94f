package rpkg

import (
	"github.com/spf13/cobra"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newPullCommand(o *porchctl.Options) *cobra.Command {
	return &cobra.Command{
		Use:     "pull PACKAGE_REVISION [DIR]",
		Aliases: []string{"source", "read"},
		Short:   "Pull the content of a package revision",
		Long: "Pull writes the committed content of a package revision, with its metadata in .KptRevisionMetadata, " +
			"into DIR, which must not exist; without DIR, it prints the resources as a ResourceList.",
		Args: porchctl.Required(1, 2, "PACKAGE is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				// Refused before anything is read, as nothing would be written.
				if err := checkAbsent(args[1]); err != nil {
					return err
				}
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			files, err := pull(s, args[0])
			if err != nil {
				return err
			}
			if len(args) == 2 {
				return writeFolder(args[1], files)
			}
			return writeResourceList(cmd.OutOrStdout(), files)
		},
	}
}

// pull reads the revision's committed content, status.resources of its
// PackageRevisionResources: spec.resources is only what a user asked for,
// which a failed render leaves uncommitted. An edit still being carried
// out is waited for, so that the resourceVersion recorded is the one a
// push of this content is held to.
func pull(s *porchctl.Session, name string) (cad.Package, error) {
	prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(name), s.Timeout)
	if err != nil {
		return nil, err
	}
	return withMetadata(prr.Status.Resources, prr)
}
