package rpkg

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/porch-dev/porch/internal/porchctl"
)

func newDiffCommand(o *porchctl.Options) *cobra.Command {
	var upstream bool
	var color string
	cmd := &cobra.Command{
		Use:               "diff PACKAGE_REVISION [PACKAGE_REVISION | DIR | --upstream]",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, 2),
		Short:             "Show the differences between a package revision and another, its upstream, or a folder",
		Long: "Diff compares the committed content of PACKAGE_REVISION with that of a second package revision, with its " +
			"upstream (--upstream: the revision it was cloned from or last upgraded to, as its task says, or as its " +
			"Kptfile's upstreamLock names one of a registered repository), or with the folder DIR, as " +
			"\"porchctl rpkg pull\" writes one; .KptRevisionMetadata, which a pull adds, is left out on both sides. The " +
			"second argument is a folder when a folder of that name exists or when it holds a /, and a package revision " +
			"otherwise.\n\n" +
			"The output has the shape of \"kpt pkg diff --diff-tool-opts -ru\", which runs diff on two folders, with " +
			"the names of the revisions (or DIR, cleaned) in place of the folders and without timestamps: for each file " +
			"that differs, in path order, a \"diff -u LEFT/PATH RIGHT/PATH\" line, \"--- LEFT/PATH\" and " +
			"\"+++ RIGHT/PATH\", and hunks with three lines of context. A file only one side has is compared with an " +
			"empty one, the missing side shown as /dev/null. The left side (-) is the first revision, or the upstream " +
			"with --upstream; the right side (+) is the second revision or DIR, or the revision itself with --upstream: " +
			"the diff reads as what the right side changed. As kpt pkg diff does, it exits 0 whether or not the sides " +
			"differ (no output means none), and 1 on an error.\n\n" +
			"On a terminal (--color auto) headers are bold, removed lines red, added lines green and hunk ranges cyan.",
		Example: "  # What the Draft deployments.my-app.v2 changes from the published deployments.my-app.v1\n" +
			"  porchctl rpkg diff deployments.my-app.v1 deployments.my-app.v2\n\n" +
			"  # What deployments.my-app.v1 changes from the blueprint it was cloned from\n" +
			"  porchctl rpkg diff deployments.my-app.v1 --upstream\n\n" +
			"  # What the edits in the folder my-app, pulled from deployments.my-app.v2 and not pushed yet, change\n" +
			"  porchctl rpkg diff deployments.my-app.v2 my-app",
		Args: porchctl.Required(1, 2, "PACKAGE_REVISION is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			colored, err := useColor(color, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			switch {
			case upstream && len(args) == 2:
				return fmt.Errorf("give either a second PACKAGE_REVISION or DIR, or --upstream, not both")
			case !upstream && len(args) == 1:
				return fmt.Errorf("give what to compare %s with: a second PACKAGE_REVISION, a DIR, or --upstream", args[0])
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			left, right, err := diffSides(s, args, upstream)
			if err != nil {
				return err
			}
			_, err = writeDiff(cmd.OutOrStdout(), left, right, colored)
			return err
		},
	}
	cmd.Flags().BoolVar(&upstream, "upstream", false, "compare with the revision PACKAGE_REVISION was cloned from or last upgraded to")
	cmd.Flags().StringVar(&color, "color", "auto", "colour the diff: auto (on a terminal), always or never")
	return cmd
}

// diffSides are the left and right sides of the diff args ask for: the
// two revisions, the upstream and the revision, or the revision and DIR.
func diffSides(s *porchctl.Session, args []string, upstream bool) (diffSide, diffSide, error) {
	first, err := revisionSide(s, args[0])
	if err != nil {
		return diffSide{}, diffSide{}, err
	}
	var second diffSide
	switch {
	case upstream:
		up, err := upstreamName(s, args[0])
		if err != nil {
			return diffSide{}, diffSide{}, err
		}
		if second, err = revisionSide(s, up); err != nil {
			return diffSide{}, diffSide{}, fmt.Errorf("upstream %s of %s: %w", up, args[0], err)
		}
		return second, first, nil
	case isFolder(args[1]):
		second, err = folderSide(args[1])
	default:
		second, err = revisionSide(s, args[1])
		if apierrors.IsNotFound(err) {
			err = fmt.Errorf("%w; nor is there a folder %s", err, args[1])
		}
	}
	return first, second, err
}

// revisionSide is the committed content of a revision, as pull reads it.
func revisionSide(s *porchctl.Session, name string) (diffSide, error) {
	prr, err := porchctl.Resources(s.Ctx, s.Client, s.Key(name), s.Timeout)
	if err != nil {
		return diffSide{}, err
	}
	return diffSide{label: name, files: prr.Status.Resources}, nil
}

// isFolder says whether arg names a folder rather than a revision: a
// revision's name has no /, and a folder named like one is taken as the
// folder, which the user has in front of them.
func isFolder(arg string) bool {
	if strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, filepath.Separator) || arg == "." || arg == ".." {
		return true
	}
	_, err := os.Stat(arg)
	return err == nil
}

// folderSide is the content of the folder dir, as push reads it.
func folderSide(dir string) (diffSide, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return diffSide{}, fmt.Errorf("folder %s does not exist", dir)
	case err != nil:
		return diffSide{}, err
	case !info.IsDir():
		return diffSide{}, fmt.Errorf("%s is not a folder", dir)
	}
	files, err := readFolder(dir)
	if err != nil {
		return diffSide{}, err
	}
	return diffSide{label: filepath.ToSlash(filepath.Clean(dir)), files: files}, nil
}
