package rpkg

import (
	"fmt"

	"github.com/spf13/cobra"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newCopyCommand(o *porchctl.Options) *cobra.Command {
	var workspace string
	c := &cobra.Command{
		Use:               "copy SOURCE_PACKAGE_REVISION",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, 1),
		Aliases:           []string{"edit"},
		Short:             "Create a new package revision from an existing one",
		Example: "  # Start the Draft deployments.my-app.v2 from the content of deployments.my-app.v1\n" +
			"  porchctl rpkg copy deployments.my-app.v1 --workspace v2",
		Args: porchctl.OnlyOne("SOURCE_PACKAGE is a required positional argument",
			"too many arguments; SOURCE_PACKAGE is the only accepted positional arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if workspace == "" {
				return fmt.Errorf("--workspace is required to specify workspace name")
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			source := &porchv1alpha1.PackageRevision{}
			if err := s.Client.Get(s.Ctx, s.Key(args[0]), source); err != nil {
				return err
			}
			task := porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeEdit,
				Edit: &porchv1alpha1.PackageEditTaskSpec{Source: &porchv1alpha1.PackageRevisionRef{Name: source.Name}}}
			return create(s, cmd, newRevision(s.Namespace, source.Spec.RepositoryName, source.Spec.PackageName, workspace, task))
		},
	}
	c.Flags().StringVar(&workspace, "workspace", "", "Workspace name of the copy of the package (required).")
	return c
}
