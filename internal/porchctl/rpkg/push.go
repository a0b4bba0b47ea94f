package rpkg

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/client-go/util/retry"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newPushCommand(o *porchctl.Options) *cobra.Command {
	return &cobra.Command{
		Use:     "push PACKAGE_REVISION [DIR|-]",
		Aliases: []string{"sink", "write"},
		Short:   "Push resources to a package revision",
		Long: "Push replaces the content of a Draft package revision with the files of DIR, or with the ResourceList " +
			"read from stdin when DIR is - or missing, as a pull wrote them, .KptRevisionMetadata included. It waits " +
			"until the content is rendered and committed and prints the render's results; content whose render fails " +
			"is not committed unless the revision has the annotation porch.kpt.dev/push-on-render-failure: \"true\".",
		Args: porchctl.Required(1, 2, "PACKAGE name is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			files, err := readContent(cmd.InOrStdin(), args[1:])
			if err != nil {
				return err
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			if files, err = withoutMetadata(files, s.Namespace, name); err != nil {
				return err
			}
			before, err := push(s, name, files)
			if err != nil {
				return err
			}
			prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(name), s.Timeout)
			if err != nil {
				return err
			}
			return reportPush(cmd.OutOrStdout(), cmd.ErrOrStderr(), name, before, prr)
		},
	}
}

// readContent reads the folder dir names, or stdin when it names none or "-".
func readContent(stdin io.Reader, dir []string) (cad.Package, error) {
	if len(dir) == 0 || dir[0] == "-" {
		return readResourceList(stdin)
	}
	return readFolder(dir[0])
}

// push makes files the content the revision's resources ask for, and
// returns the commit that held the content before. It waits for an edit
// still being carried out first, so that the commit is the one this push
// is compared with. The resourceVersion in .KptRevisionMetadata is the
// PackageRevision's, which changes whenever a controller reports on it:
// it cannot tell a stale pull, so the resources are updated as they are
// now, again on a conflict.
func push(s *porchctl.Session, name string, files cad.Package) (string, error) {
	var before string
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(name), s.Timeout)
		if err != nil {
			return err
		}
		before = prr.Status.Commit
		prr.Spec.Resources = files
		return s.Client.Update(s.Ctx, prr)
	})
	if err != nil {
		return "", fmt.Errorf("%s", porchctl.Reason(err))
	}
	return before, nil
}
