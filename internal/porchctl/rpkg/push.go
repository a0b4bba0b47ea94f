package rpkg

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/util/retry"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newPushCommand(o *porchctl.Options) *cobra.Command {
	return &cobra.Command{
		Use:     "push PACKAGE_REVISION [DIR|-]",
		Aliases: []string{"sink", "write"},
		Short:   "Push resources to a package revision",
		Long: "Push replaces the content of a Draft package revision with the files of DIR, or with the ResourceList " +
			"read from stdin when DIR is - or missing, as a pull wrote them, .KptRevisionMetadata included; content pulled " +
			"before another push to the revision is refused with a conflict, and DIR's metadata follows each push. It waits " +
			"until the content is rendered and committed and prints the render's results; content whose render fails " +
			"is not committed unless the revision has the annotation porch.kpt.dev/push-on-render-failure: \"true\".",
		Example: "  # Pull the Draft deployments.my-app.v1 into the folder my-app, edit it, and push it back\n" +
			"  porchctl rpkg pull deployments.my-app.v1 my-app\n" +
			"  porchctl rpkg push deployments.my-app.v1 my-app\n\n" +
			"  # Push the ResourceList of resources.yaml, read from stdin\n" +
			"  porchctl rpkg push deployments.my-app.v1 - < resources.yaml",
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
			files, pulledVersion, err := withoutMetadata(files, s.Namespace, name)
			if err != nil {
				return err
			}
			before, err := push(s, name, files, pulledVersion)
			if err != nil {
				return err
			}
			prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(name), s.Timeout)
			if err != nil {
				return err
			}
			if len(args) == 2 && args[1] != "-" {
				// The folder holds what the revision was given, rendered
				// or not: the next push from it is held to this version.
				if err := recordMetadata(args[1], prr); err != nil {
					return err
				}
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
// is compared with. The update is held to what the pull recorded: its
// resourceVersion, so that content pulled before someone else's push is
// refused with a conflict, as upstream refuses it, instead of overwriting
// theirs; but when only refused pushes came between (the resources' version
// moved, their content is still the commit pulled), it goes ahead, held to
// that commit. Content whose metadata records no version is pushed over
// whatever is there.
func push(s *porchctl.Session, name string, files cad.Package, from pulled) (string, error) {
	var before string
	// update asks for files held to version, when given, or to the
	// content being at commit, when given.
	update := func(version, commit string) error {
		prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(name), s.Timeout)
		if err != nil {
			return err
		}
		if commit != "" && prr.Status.Commit != commit {
			return errContentMoved
		}
		before = prr.Status.Commit
		prr.Spec.Resources = files
		if version != "" {
			prr.ResourceVersion = version
		}
		return s.Client.Update(s.Ctx, prr)
	}
	var err error
	if from.version == "" {
		err = retry.RetryOnConflict(retry.DefaultRetry, func() error { return update("", "") })
	} else if err = update(from.version, ""); apierrors.IsConflict(err) {
		switch {
		case !isDraft(s, name):
			// Only a Draft's content can change, so nothing can be
			// overwritten: asking again without the pulled version gets
			// the refusal that says why, rather than a conflict.
			err = update("", "")
		case from.commit != "":
			err = retry.RetryOnConflict(retry.DefaultRetry, func() error { return update("", from.commit) })
		}
	}
	if errors.Is(err, errContentMoved) || apierrors.IsConflict(err) {
		return "", fmt.Errorf("the content of %s changed since it was pulled: pull it again and redo your change; your push was not applied", name)
	}
	if err != nil {
		return "", fmt.Errorf("%s", porchctl.Reason(err))
	}
	return before, nil
}

// errContentMoved is a push's refusal of content pulled from a commit the
// revision has moved on from.
var errContentMoved = errors.New("the content moved since the pull")

// isDraft says whether the revision is a Draft, as far as can be read.
func isDraft(s *porchctl.Session, name string) bool {
	pr := &porchv1alpha1.PackageRevision{}
	return s.Client.Get(s.Ctx, s.Key(name), pr) == nil && pr.Spec.Lifecycle == porchv1alpha1.PackageRevisionLifecycleDraft
}
