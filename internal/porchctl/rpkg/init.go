package rpkg

import (
	"fmt"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newInitCommand(o *porchctl.Options) *cobra.Command {
	var repository, workspace, description, site string
	var keywords []string
	c := &cobra.Command{
		Use:   "init PACKAGE",
		Short: "Initialize a new package revision in a repository",
		Example: "  # Create the Draft deployments.my-app.v1: package my-app of the repository deployments, in workspace v1\n" +
			"  porchctl rpkg init my-app --repository deployments --workspace v1\n\n" +
			"  # Create it with a description and keywords\n" +
			"  porchctl rpkg init my-app --repository deployments --workspace v1 --description \"my app\" --keywords web,frontend",
		Args: porchctl.Required(1, 1, "PACKAGE_NAME is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if repository == "" {
				return fmt.Errorf("--repository is required to specify target repository")
			}
			if workspace == "" {
				return fmt.Errorf("--workspace is required to specify workspace name")
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			if err := packageIsNew(s, "init", repository, args[0]); err != nil {
				return err
			}
			pr := newRevision(s.Namespace, repository, args[0], workspace, porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeInit,
				Init: &porchv1alpha1.PackageInitTaskSpec{Description: description, Keywords: keywords, Site: site}})
			return create(s, cmd, pr)
		},
	}
	c.Flags().StringVar(&repository, "repository", "", "Repository to which package will be added (required).")
	c.Flags().StringVar(&workspace, "workspace", "", "Workspace name of the package (required).")
	c.Flags().StringVar(&description, "description", "sample description", "Short description of the package.")
	c.Flags().StringSliceVar(&keywords, "keywords", nil, "List of keywords for the package.")
	c.Flags().StringVar(&site, "site", "", "Link to page with information about the package.")
	return c
}

// newRevision is a Draft of package pkg in repository, made by task.
func newRevision(namespace, repository, pkg, workspace string, task porchv1alpha1.Task) *porchv1alpha1.PackageRevision {
	return &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: porchv1alpha1.RevisionName(repository, pkg, workspace)},
		Spec: porchv1alpha1.PackageRevisionSpec{PackageName: pkg, RepositoryName: repository, WorkspaceName: workspace,
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft, Tasks: []porchv1alpha1.Task{task}},
	}
}

// create makes the revision, waits until its task ran, and prints
// "<name> created".
func create(s *porchctl.Session, cmd *cobra.Command, pr *porchv1alpha1.PackageRevision) error {
	if err := s.Client.Create(s.Ctx, pr); err != nil {
		return fmt.Errorf("%s", porchctl.Reason(err))
	}
	if _, err := porchctl.Revision(s.Ctx, s.Client, s.Key(pr.Name), s.Timeout); err != nil {
		return fmt.Errorf("%s failed: %s", pr.Name, porchctl.Reason(err))
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s created\n", pr.Name)
	return nil
}
