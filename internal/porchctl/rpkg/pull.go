package rpkg

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/porch-dev/porch/internal/porchctl"
)

func newPullCommand(o *porchctl.Options) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:               "pull PACKAGE_REVISION [DIR]",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, 1),
		Aliases:           []string{"source", "read"},
		Short:             "Pull the content of a package revision",
		Long: "Pull writes the committed content of a package revision, with its metadata in .KptRevisionMetadata, " +
			"into DIR, and says so in one line; without DIR, it prints the resources as a ResourceList. DIR must not exist, unless it holds a pull " +
			"of a revision of the same package (pulling v2 over v1 updates it) or --force is given; files of DIR that " +
			"the revision lacks stay.",
		Example: "  # Pull a revision into a new folder, edit it, and push it back\n" +
			"  porchctl rpkg pull blueprints.app.v1 app\n" +
			"  porchctl rpkg push blueprints.app.v1 app\n\n" +
			"  # Print the revision's resources as a ResourceList\n" +
			"  porchctl rpkg pull blueprints.app.v1",
		Args: porchctl.Required(1, 2, "PACKAGE is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			// The committed content, status.resources: spec.resources is
			// only what a user asked for, which a failed render leaves
			// uncommitted. An edit still being carried out is waited for,
			// so that the resourceVersion recorded is the one a push of
			// this content is held to.
			prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(args[0]), s.Timeout)
			if err != nil {
				return err
			}
			files, err := withMetadata(prr.Status.Resources, prr)
			if err != nil {
				return err
			}
			if len(args) == 2 {
				if err := writeFolder(args[1], files, prr, force); err != nil {
					return err
				}
				// One line, as kubectl says what it did; upstream says nothing.
				fmt.Fprintf(cmd.OutOrStdout(), "%s pulled into %s\n", args[0], args[1])
				return nil
			}
			return writeResourceList(cmd.OutOrStdout(), files)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "write into DIR even when it exists and holds something else")
	return cmd
}
