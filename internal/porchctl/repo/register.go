package repo

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

type registration struct {
	name, description, branch, directory string
	createBranch, deployment             bool
	workloadIdentity                     bool
	username, password                   string
	schedule                             string
}

func newRegisterCommand(o *porchctl.Options) *cobra.Command {
	r := &registration{}
	c := &cobra.Command{
		Use:     "reg REPOSITORY",
		Aliases: []string{"register"},
		Short:   "Register a package repository",
		Example: "  # Register a git repository as the Repository deployments (the last segment of its URL),\n" +
			"  # creating its branch main if it has none\n" +
			"  porchctl repo reg http://127.0.0.1:40123/deployments.git --create-branch\n\n" +
			"  # Register it under another name, as a deployment repository synced every 10 minutes\n" +
			"  porchctl repo reg http://127.0.0.1:40123/deployments.git --name prod --deployment --sync-schedule '*/10 * * * *'\n\n" +
			"  # Register a repository that needs basic auth (the credentials go into the Secret deployments-auth)\n" +
			"  porchctl repo reg http://127.0.0.1:40123/deployments.git --repo-basic-username alice --repo-basic-password s3cret",
		Args: porchctl.Required(1, 1, "repository is required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if r.workloadIdentity {
				if r.username != "" || r.password != "" {
					return errors.New("both username/password and workload identity specified")
				}
				return errors.New("--repo-workload-identity: workload identity is not supported here; " +
					"give --repo-basic-username and --repo-basic-password, or name a Secret in the Repository's spec")
			}
			if r.schedule != "" {
				if _, err := cron.ParseStandard(r.schedule); err != nil {
					return fmt.Errorf("invalid sync-schedule cron expression: %w", err)
				}
			}
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			repo := r.repository(s.Namespace, args[0])
			if r.username != "" || r.password != "" {
				secret := &corev1.Secret{
					ObjectMeta: metav1.ObjectMeta{Name: repo.Name + "-auth", Namespace: s.Namespace},
					Type:       corev1.SecretTypeBasicAuth,
					Data:       map[string][]byte{"username": []byte(r.username), "password": []byte(r.password)},
				}
				if err := s.Client.Create(s.Ctx, secret); err != nil {
					return fmt.Errorf("%s", porchctl.Reason(err))
				}
				if repo.Spec.Git != nil {
					repo.Spec.Git.SecretRef.Name = secret.Name
				} else {
					repo.Spec.Oci.SecretRef.Name = secret.Name
				}
			}
			if err := s.Client.Create(s.Ctx, repo); err != nil {
				return fmt.Errorf("%s", porchctl.Reason(err))
			}
			// A registration that is not Ready stays registered, and the
			// error says so. Upstream prints nothing on success; one line
			// says what was registered, as kubectl says what it created.
			if _, err := porchctl.Repository(s.Ctx, s.Client, s.Key(repo.Name), s.Timeout); err != nil {
				return fmt.Errorf("registered, but %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s registered\n", repo.Name)
			return nil
		},
	}
	c.Flags().StringVar(&r.directory, "directory", "/", "Directory within the repository where to look for packages.")
	c.Flags().StringVar(&r.branch, "branch", "main", "Branch in the repository where finalized packages are committed.")
	c.Flags().BoolVar(&r.createBranch, "create-branch", false, "Create the package branch if it doesn't already exist.")
	c.Flags().StringVar(&r.name, "name", "", "Name of the package repository. If unspecified, will use the name portion (last segment) of the repository URL.")
	c.Flags().StringVarP(&r.description, "description", "d", "", "Brief description of the package repository.")
	c.Flags().BoolVar(&r.deployment, "deployment", false, "Repository is a deployment repository; packages in a deployment repository are considered deployment-ready.")
	c.Flags().StringVar(&r.username, "repo-basic-username", "", "Username for repository authentication using basic auth.")
	c.Flags().StringVar(&r.password, "repo-basic-password", "", "Password for repository authentication using basic auth.")
	c.Flags().BoolVar(&r.workloadIdentity, "repo-workload-identity", false, "Use workload identity for authentication with the repo (not supported here).")
	c.Flags().StringVar(&r.schedule, "sync-schedule", "", "Cron expression of when the repository is synced, e.g. '*/10 * * * *'.")
	porchctl.FlagAliases(c, map[string]string{
		"user": "repo-basic-username", "username": "repo-basic-username",
		"pw": "repo-basic-password", "pass": "repo-basic-password", "password": "repo-basic-password",
		"deploy": "deployment", "desc": "description", "dir": "directory", "folder": "directory",
	})
	return c
}

// repository is the Repository that registers address: git, or OCI for
// an oci:// address.
func (r *registration) repository(namespace, address string) *configv1alpha1.Repository {
	repo := &configv1alpha1.Repository{
		ObjectMeta: metav1.ObjectMeta{Name: r.name, Namespace: namespace},
		Spec:       configv1alpha1.RepositorySpec{Description: r.description, Deployment: r.deployment},
	}
	if repo.Name == "" {
		repo.Name = lastSegment(address)
	}
	if r.schedule != "" {
		repo.Spec.Sync = &configv1alpha1.RepositorySync{Schedule: r.schedule}
	}
	if registry, ok := strings.CutPrefix(address, "oci://"); ok {
		repo.Spec.Type = configv1alpha1.RepositoryTypeOCI
		repo.Spec.Oci = &configv1alpha1.OciRepository{Registry: registry}
		return repo
	}
	repo.Spec.Type = configv1alpha1.RepositoryTypeGit
	repo.Spec.Git = &configv1alpha1.GitRepository{Repo: address, Branch: r.branch, CreateBranch: r.createBranch, Directory: r.directory}
	return repo
}

// lastSegment is the last part of an address, without .git:
// https://example.com/org/blueprints.git gives blueprints.
func lastSegment(address string) string {
	return strings.TrimSuffix(path.Base(strings.TrimRight(address, "/")), ".git")
}
