// Package credentials reads the credentials a Repository or a clone's
// source names from their Secret, for the controllers: the storage
// backends are given credentials and never read Secrets themselves.
package credentials

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/porch-dev/porch/internal/backend"
)

// ErrSecret matches a Secret that is missing or holds no usable credentials:
// something a user fixes outside the object that names it.
var ErrSecret = errors.New("credentials secret")

// secretError is a Secret problem, its message as a user reads it.
type secretError struct{ msg string }

func (e *secretError) Error() string        { return e.msg }
func (e *secretError) Is(target error) bool { return target == ErrSecret }

// Read reads the credentials of the Secret name in namespace, which field
// names; none when name is empty. Read it uncached, so that a manager
// never caches every Secret of a cluster.
func Read(ctx context.Context, r client.Reader, namespace, name, field string) (backend.Credentials, error) {
	if name == "" {
		return backend.Credentials{}, nil
	}
	secret := &corev1.Secret{}
	err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, secret)
	if apierrors.IsNotFound(err) {
		return backend.Credentials{}, &secretError{fmt.Sprintf("%s: Secret %q not found in namespace %q; create it or fix the name", field, name, namespace)}
	}
	if err != nil {
		return backend.Credentials{}, fmt.Errorf("reading Secret %q named by %s: %w", name, field, err)
	}
	creds, err := backend.CredentialsFromSecret(secret)
	if err != nil {
		return backend.Credentials{}, &secretError{fmt.Sprintf("%s: %v", field, err)}
	}
	return creds, nil
}

// ReadGit reads credentials as Read does, for a git remote: a Secret that
// only a registry can use (a Docker config, a CA bundle) is refused.
func ReadGit(ctx context.Context, r client.Reader, namespace, name, field string) (backend.Credentials, error) {
	creds, err := Read(ctx, r, namespace, name, field)
	if err != nil {
		return creds, err
	}
	if err := creds.ForGit(name); err != nil {
		return backend.Credentials{}, &secretError{fmt.Sprintf("%s: %v", field, err)}
	}
	return creds, nil
}
