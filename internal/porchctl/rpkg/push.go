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
	var writeBack bool
	cmd := &cobra.Command{
		Use:               "push PACKAGE_REVISION [DIR|-]",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, 1),
		Aliases:           []string{"sink", "write"},
		Short:             "Push resources to a package revision",
		Long: "Push replaces the content of a Draft package revision with the files of DIR, or with the ResourceList " +
			"read from stdin when DIR is - or missing, as a pull wrote them, .KptRevisionMetadata included; content pulled " +
			"before another push to the revision is refused with a conflict, and DIR's metadata follows each push. It waits " +
			"until the content is rendered and committed and prints the render's results; content whose render fails " +
			"is not committed unless the revision has the annotation porch.kpt.dev/push-on-render-failure: \"true\". With " +
			"--write-back, a push from DIR that succeeds writes the committed content back into DIR, as \"rpkg pull --force\" " +
			"would, so that DIR shows what the render changed (files the render removed stay).",
		Example: "  # Pull the Draft deployments.my-app.v1 into the folder my-app, edit it, and push it back\n" +
			"  porchctl rpkg pull deployments.my-app.v1 my-app\n" +
			"  porchctl rpkg push deployments.my-app.v1 my-app\n\n" +
			"  # Push the folder my-app and write what the render made of it back into the folder\n" +
			"  porchctl rpkg push deployments.my-app.v1 my-app --write-back\n\n" +
			"  # Push the ResourceList of resources.yaml, read from stdin\n" +
			"  porchctl rpkg push deployments.my-app.v1 - < resources.yaml",
		Args: porchctl.Required(1, 2, "PACKAGE name is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			dir := ""
			if len(args) == 2 && args[1] != "-" {
				dir = args[1]
			}
			if writeBack && dir == "" {
				return fmt.Errorf("--write-back writes the pushed content back into DIR: give DIR, not a ResourceList on stdin")
			}
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
			reported := reportPush(cmd.OutOrStdout(), cmd.ErrOrStderr(), name, before, prr)
			if dir == "" {
				return reported
			}
			if writeBack && reported == nil {
				return writeBackFolder(dir, prr)
			}
			// The folder holds what the revision was given, rendered or
			// not: the next push from it is held to this version.
			return errors.Join(reported, recordMetadata(dir, prr))
		},
	}
	cmd.Flags().BoolVar(&writeBack, "write-back", false, "after a successful push from DIR, write the committed (rendered) content back into DIR")
	return cmd
}

// writeBackFolder writes the committed content of prr, just pushed from
// the folder dir, back into it, as a pull over it writes it: the render's
// changes appear there, and the next push from it is held to this version.
func writeBackFolder(dir string, prr *porchv1alpha1.PackageRevisionResources) error {
	files, err := withMetadata(prr.Status.Resources, prr)
	if err != nil {
		return err
	}
	return writeFolder(dir, files, prr, true)
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
