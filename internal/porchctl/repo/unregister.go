package repo

import (
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	configv1alpha1 "github.com/porch-dev/porch/api/config/v1alpha1"
	"github.com/porch-dev/porch/internal/porchctl"
)

func newUnregisterCommand(o *porchctl.Options) *cobra.Command {
	var keepSecret bool
	c := &cobra.Command{
		Use:               "unreg REPOSITORY",
		ValidArgsFunction: o.Names(porchctl.RepositoryNames, 1),
		Aliases:           []string{"unregister"},
		Short:             "Unregister a repository",
		Example: "  # Unregister the repository deployments, deleting the auth Secret it names, if any\n" +
			"  porchctl repo unreg deployments\n\n" +
			"  # Unregister it, keeping its auth Secret\n" +
			"  porchctl repo unreg deployments --keep-auth-secret",
		Args: porchctl.Required(1, 1, "REPOSITORY is a required positional argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := o.Connect(cmd)
			if err != nil {
				return err
			}
			repo := &configv1alpha1.Repository{}
			if err := s.Client.Get(s.Ctx, s.Key(args[0]), repo); err != nil {
				return err
			}
			if err := s.Client.Delete(s.Ctx, repo); err != nil {
				return fmt.Errorf("%s", porchctl.Reason(err))
			}
			// The Repository goes once its mirrored objects are gone.
			if err := porchctl.Gone(s.Ctx, s.Client, repo, s.Timeout); err != nil {
				return err
			}
			if secret := secretOf(repo); secret != "" && !keepSecret {
				err := s.Client.Delete(s.Ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: secret, Namespace: repo.Namespace}})
				if err != nil && !apierrors.IsNotFound(err) {
					return fmt.Errorf("failed to delete Secret %s: %w", secret, err)
				}
			}
			return nil // upstream prints nothing on success
		},
	}
	c.Flags().BoolVar(&keepSecret, "keep-auth-secret", false, "Keep the auth secret associated with the repository registration, if any")
	return c
}

func secretOf(repo *configv1alpha1.Repository) string {
	switch {
	case repo.Spec.Git != nil:
		return repo.Spec.Git.SecretRef.Name
	case repo.Spec.Oci != nil:
		return repo.Spec.Oci.SecretRef.Name
	}
	return ""
}
