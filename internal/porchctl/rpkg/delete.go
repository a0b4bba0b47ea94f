package rpkg

import (
	"github.com/spf13/cobra"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newDeleteCommand(o *porchctl.Options) *cobra.Command {
	return &cobra.Command{
		Use:               "del PACKAGE_REVISION...",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, -1),
		Aliases:           []string{"delete"},
		Short:             "Delete a package revision",
		Example: "  # Delete the Draft deployments.my-app.v2\n" +
			"  porchctl rpkg del deployments.my-app.v2\n\n" +
			"  # Delete the published deployments.my-app.v1: propose its deletion first\n" +
			"  porchctl rpkg propose-delete deployments.my-app.v1\n" +
			"  porchctl rpkg del deployments.my-app.v1",
		Args: porchctl.Required(1, -1, "PACKAGE is a required positional argument"),
		RunE: func(cmd *cobra.Command, names []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			return porchctl.Each(cmd.OutOrStdout(), cmd.ErrOrStderr(), names, "deleted", func(name string) error {
				pr := &porchv1alpha1.PackageRevision{}
				if err := s.Client.Get(s.Ctx, s.Key(name), pr); err != nil {
					return err
				}
				if err := s.Client.Delete(s.Ctx, pr); err != nil {
					return err
				}
				// Deletion waits for the controller to carry it out in git.
				return porchctl.Gone(s.Ctx, s.Client, pr, s.Timeout)
			})
		},
	}
}
