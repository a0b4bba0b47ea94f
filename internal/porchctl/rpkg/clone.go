package rpkg

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

// cloneFlags are clone's flags, as upstream names them.
type cloneFlags struct {
	repository, workspace, directory, ref, secretRef, strategy string
}

func newCloneCommand(o *porchctl.Options) *cobra.Command {
	f := &cloneFlags{}
	c := &cobra.Command{
		Use:               "clone SOURCE_PACKAGE NAME",
		ValidArgsFunction: o.Names(porchctl.RevisionNames, 1),
		Short:             "Create a clone of an existing package revision",
		Long: "Create a new package NAME in --repository as a clone of SOURCE_PACKAGE: a PackageRevision name, " +
			"a git address (REPO.git[/DIRECTORY][@REF], or --directory and --ref) or an oci:// image.",
		Example: "  # Clone the published blueprints.app.v1 as package my-app of the repository deployments\n" +
			"  # (the Draft deployments.my-app.v1)\n" +
			"  porchctl rpkg clone blueprints.app.v1 my-app --repository deployments\n\n" +
			"  # Clone the folder basens of a git repository, at its tag basens/v1, in workspace dev\n" +
			"  porchctl rpkg clone http://127.0.0.1:40123/blueprints.git/basens@basens/v1 my-namespace --repository deployments --workspace dev\n\n" +
			"  # Clone a package stored as an image\n" +
			"  porchctl rpkg clone oci://127.0.0.1:41235/blueprints/basens:v1 basens-from-oci --repository deployments",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return fmt.Errorf("SOURCE_PACKAGE and NAME are required positional arguments; %d provided", len(args))
			}
			if f.repository == "" {
				return fmt.Errorf("--repository is required to specify downstream repository")
			}
			if f.workspace == "" {
				return fmt.Errorf("--workspace is required to specify downstream workspace name")
			}
			task, err := f.task(args[0])
			if err != nil {
				return err
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			if err := packageIsNew(s, "clone", f.repository, args[1]); err != nil {
				return err
			}
			return create(s, cmd, newRevision(s.Namespace, f.repository, args[1], f.workspace, task))
		},
	}
	c.Flags().StringVar(&f.strategy, "strategy", string(porchv1alpha1.ResourceMerge),
		"update strategy that should be used when updating this package; one of: resource-merge,fast-forward,force-delete-replace,copy-merge")
	c.Flags().StringVar(&f.directory, "directory", "", "Directory within the repository where the upstream package is located.")
	c.Flags().StringVar(&f.ref, "ref", "", "Branch in the repository where the upstream package is located.")
	c.Flags().StringVar(&f.repository, "repository", "", "Repository to which package will be cloned (downstream repository) (required).")
	c.Flags().StringVar(&f.workspace, "workspace", "v1", "Workspace name of the downstream package.")
	c.Flags().StringVar(&f.secretRef, "secret-ref", "", "Name of the secret with the credentials of the upstream git repository or OCI registry.")
	return c
}

// task is the clone task of source, read as upstream reads it.
func (f *cloneFlags) task(source string) (porchv1alpha1.Task, error) {
	strategy, err := mergeStrategy(f.strategy)
	if err != nil {
		return porchv1alpha1.Task{}, err
	}
	var up porchv1alpha1.UpstreamPackage
	switch {
	case strings.HasPrefix(source, "oci://"):
		up.Type, up.Oci = porchv1alpha1.RepositoryTypeOCI, &porchv1alpha1.OciPackage{Image: source, SecretRef: porchv1alpha1.SecretRef{Name: f.secretRef}}
	case strings.Contains(source, "/"):
		repo, dir, ref := source, f.directory, f.ref
		if parsedRepo, parsedDir, parsedRef, ok := splitGitAddress(source); ok {
			if dir != "" && parsedDir != "" && dir != parsedDir {
				return porchv1alpha1.Task{}, fmt.Errorf("directory %s specified by --directory contradicts directory %s specified by SOURCE_PACKAGE", dir, parsedDir)
			}
			if ref != "" && parsedRef != "" && ref != parsedRef {
				return porchv1alpha1.Task{}, fmt.Errorf("ref %s specified by --ref contradicts ref %s specified by SOURCE_PACKAGE", ref, parsedRef)
			}
			dir, ref = or(dir, parsedDir), or(ref, parsedRef)
			repo = parsedRepo
		}
		up.Type = porchv1alpha1.RepositoryTypeGit
		up.Git = &porchv1alpha1.GitPackage{Repo: repo, Ref: or(ref, "main"), Directory: or(dir, "/"), SecretRef: porchv1alpha1.SecretRef{Name: f.secretRef}}
	default:
		up.UpstreamRef = &porchv1alpha1.PackageRevisionRef{Name: source}
	}
	return porchv1alpha1.Task{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{Upstream: up, Strategy: strategy}}, nil
}

// splitGitAddress reads kpt's package address REPO.git[/DIRECTORY][@REF]
// into the repository (with .git), the directory ("/DIRECTORY", or "")
// and the ref; ok is false for an address without ".git".
func splitGitAddress(address string) (repo, dir, ref string, ok bool) {
	i := strings.Index(address, ".git")
	for i >= 0 && i+4 < len(address) && address[i+4] != '/' && address[i+4] != '@' {
		next := strings.Index(address[i+4:], ".git")
		if next < 0 {
			return "", "", "", false
		}
		i += 4 + next
	}
	if i < 0 {
		return "", "", "", false
	}
	repo, rest := address[:i+4], address[i+4:]
	rest, ref, _ = strings.Cut(rest, "@")
	if rest = strings.Trim(rest, "/"); rest != "" {
		dir = "/" + rest
	}
	return repo, dir, strings.TrimSuffix(ref, "/"), true
}

// packageIsNew refuses a command (init or clone) that would start a
// package the repository has, as upstream does before asking the API.
func packageIsNew(s *porchctl.Session, command, repository, pkg string) error {
	list := &porchv1alpha1.PackageRevisionList{}
	if err := s.Client.List(s.Ctx, list, client.InNamespace(s.Namespace)); err != nil {
		return err
	}
	for _, pr := range list.Items {
		if pr.Spec.RepositoryName == repository && pr.Spec.PackageName == pkg {
			return fmt.Errorf("`%s` cannot create a new revision for package %q that already exists in repo %q; make subsequent revisions using `copy`", command, pkg, repository)
		}
	}
	return nil
}

func mergeStrategy(s string) (porchv1alpha1.PackageMergeStrategy, error) {
	switch strategy := porchv1alpha1.PackageMergeStrategy(s); strategy {
	case porchv1alpha1.ResourceMerge, porchv1alpha1.FastForward, porchv1alpha1.ForceDeleteReplace, porchv1alpha1.CopyMerge:
		return strategy, nil
	}
	return "", fmt.Errorf("invalid strategy %q; must be one of: [%s %s %s %s]", s,
		porchv1alpha1.ResourceMerge, porchv1alpha1.FastForward, porchv1alpha1.ForceDeleteReplace, porchv1alpha1.CopyMerge)
}

func or(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}
