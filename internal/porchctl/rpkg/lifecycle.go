package rpkg

import (
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/client-go/util/retry"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// The lifecycle commands follow upstream porchctl: readiness gates are
// checked first, and a revision already where the command would take it is
// no failure ("is already proposed" on stderr, or plain success for an
// approval).

func newProposeCommand(o *porchctl.Options) *cobra.Command {
	example := "  # Propose the Draft deployments.my-app.v1 for publication\n" +
		"  porchctl rpkg propose deployments.my-app.v1\n\n" +
		"  # Propose two Drafts at once\n" +
		"  porchctl rpkg propose deployments.my-app.v2 blueprints.app.v2"
	return newMoveCommand(o, "propose", nil, "Propose that a package revision be published", example, "proposed",
		porchv1alpha1.PackageRevisionLifecycleProposed, func(_ string, pr *porchv1alpha1.PackageRevision) error {
			if err := readinessMet(pr); err != nil {
				return err
			}
			switch pr.Spec.Lifecycle {
			case porchv1alpha1.PackageRevisionLifecycleDraft:
				return nil
			case porchv1alpha1.PackageRevisionLifecycleProposed:
				return porchctl.AlreadyDone{Note: "is already proposed"}
			default:
				return fmt.Errorf("cannot propose %s package", pr.Spec.Lifecycle)
			}
		})
}

func newApproveCommand(o *porchctl.Options) *cobra.Command {
	example := "  # Publish the proposed deployments.my-app.v1\n" +
		"  porchctl rpkg approve deployments.my-app.v1\n\n" +
		"  # Propose and publish a Draft\n" +
		"  porchctl rpkg propose deployments.my-app.v2\n" +
		"  porchctl rpkg approve deployments.my-app.v2"
	return newMoveCommand(o, "approve", nil, "Approve a proposal to publish a package revision", example, "approved",
		porchv1alpha1.PackageRevisionLifecyclePublished, func(name string, pr *porchv1alpha1.PackageRevision) error {
			if err := readinessMet(pr); err != nil {
				return err
			}
			switch pr.Spec.Lifecycle {
			case porchv1alpha1.PackageRevisionLifecycleProposed:
				return nil
			case porchv1alpha1.PackageRevisionLifecyclePublished:
				return porchctl.AlreadyDone{}
			case porchv1alpha1.PackageRevisionLifecycleDraft:
				return fmt.Errorf("cannot change approval from %s to %s; propose it first: porchctl rpkg propose %s",
					pr.Spec.Lifecycle, porchv1alpha1.PackageRevisionLifecyclePublished, name)
			default:
				return fmt.Errorf("cannot change approval from %s to %s", pr.Spec.Lifecycle, porchv1alpha1.PackageRevisionLifecyclePublished)
			}
		})
}

func newProposeDeleteCommand(o *porchctl.Options) *cobra.Command {
	example := "  # Propose that the published deployments.my-app.v1 be deleted\n" +
		"  porchctl rpkg propose-delete deployments.my-app.v1\n\n" +
		"  # Propose it, then delete it\n" +
		"  porchctl rpkg propose-delete deployments.my-app.v1\n" +
		"  porchctl rpkg del deployments.my-app.v1"
	return newMoveCommand(o, "propose-delete", []string{"propose-del"}, "Propose that a published package revision be deleted", example, "proposed for deletion",
		porchv1alpha1.PackageRevisionLifecycleDeletionProposed, func(name string, pr *porchv1alpha1.PackageRevision) error {
			switch pr.Spec.Lifecycle {
			case porchv1alpha1.PackageRevisionLifecyclePublished:
				return nil
			case porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
				return porchctl.AlreadyDone{Note: "is already proposed for deletion"}
			default:
				return fmt.Errorf("can only propose published packages for deletion; package %s is not published", name)
			}
		})
}

// newMoveCommand is a command that moves each revision named to the
// lifecycle to, when check passes, and prints "<name> <done>"; example is
// its help's Examples.
func newMoveCommand(o *porchctl.Options, verb string, aliases []string, short, example, done string, to porchv1alpha1.PackageRevisionLifecycle,
	check func(name string, pr *porchv1alpha1.PackageRevision) error) *cobra.Command {
	return &cobra.Command{
		Use:               verb + " PACKAGE_REVISION...",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, -1),
		Aliases:           aliases,
		Short:             short,
		Example:           example,
		Args:              porchctl.Required(1, -1, "PACKAGE is a required positional argument"),
		RunE: func(cmd *cobra.Command, names []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			return porchctl.Each(cmd.OutOrStdout(), cmd.ErrOrStderr(), names, done, func(name string) error {
				return move(s, name, to, func(pr *porchv1alpha1.PackageRevision) error { return check(name, pr) })
			})
		},
	}
}

func newRejectCommand(o *porchctl.Options) *cobra.Command {
	return &cobra.Command{
		Use:               "reject PACKAGE_REVISION...",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, -1),
		Short:             "Reject a proposal to publish or delete a package revision",
		Example: "  # Reject the proposal of deployments.my-app.v1: proposed for publication, it goes back to Draft;\n" +
			"  # proposed for deletion, it stays Published\n" +
			"  porchctl rpkg reject deployments.my-app.v1\n\n" +
			"  # Reject two proposals at once\n" +
			"  porchctl rpkg reject deployments.my-app.v2 blueprints.app.v2",
		Args: porchctl.Required(1, -1, "PACKAGE_REVISION is a required positional argument"),
		RunE: func(cmd *cobra.Command, names []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			failed := 0
			for _, name := range names {
				proposedFor, err := reject(s, name)
				if err != nil {
					failed++
					porchctl.Failed(cmd.ErrOrStderr(), name, err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s no longer proposed for %s\n", name, proposedFor)
			}
			return porchctl.Counted(failed, len(names))
		},
	}
}

// reject moves a proposed revision back, and says what it was proposed for.
func reject(s *porchctl.Session, name string) (string, error) {
	pr := &porchv1alpha1.PackageRevision{}
	if err := s.Client.Get(s.Ctx, s.Key(name), pr); err != nil {
		return "", err
	}
	switch pr.Spec.Lifecycle {
	case porchv1alpha1.PackageRevisionLifecycleProposed:
		return "approval", move(s, name, porchv1alpha1.PackageRevisionLifecycleDraft, nil)
	case porchv1alpha1.PackageRevisionLifecycleDeletionProposed:
		return "deletion", move(s, name, porchv1alpha1.PackageRevisionLifecyclePublished, nil)
	default:
		return "", fmt.Errorf("cannot reject %s with lifecycle '%s'", name, pr.Spec.Lifecycle)
	}
}

// move sets the revision's lifecycle, once check (when not nil) passes on
// it as stored, and waits until the change is carried out.
func move(s *porchctl.Session, name string, to porchv1alpha1.PackageRevisionLifecycle, check func(*porchv1alpha1.PackageRevision) error) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		pr := &porchv1alpha1.PackageRevision{}
		if err := s.Client.Get(s.Ctx, s.Key(name), pr); err != nil {
			return err
		}
		if check != nil {
			if err := check(pr); err != nil {
				return err
			}
		}
		pr.Spec.Lifecycle = to
		return s.Client.Update(s.Ctx, pr)
	})
	if err != nil {
		return err
	}
	if _, err := porchctl.Revision(s.Ctx, s.Client, s.Key(name), s.Timeout); err != nil || to != porchv1alpha1.PackageRevisionLifecyclePublished {
		return err
	}
	return porchctl.Latest(s.Ctx, s.Client, s.Key(name), s.Timeout)
}

// readinessMet refuses a revision whose readiness gates are not all met.
func readinessMet(pr *porchv1alpha1.PackageRevision) error {
	if len(pr.UnmetReadinessGates()) > 0 {
		return fmt.Errorf("readiness conditions not met")
	}
	return nil
}
