package repository

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// ErrSecret matches a Secret that is missing or holds no usable credentials:
// something a user fixes outside the object that names it.
var ErrSecret = errors.New("credentials secret")

// secretError is a Secret problem, its message as a user reads it.
type secretError struct{ msg string }

func (e *secretError) Error() string        { return e.msg }
func (e *secretError) Is(target error) bool { return target == ErrSecret }

// ReadCredentials reads the credentials of the Secret name in namespace,
// which field names; none when name is empty. Read it uncached, so that
// a manager never caches every Secret of a cluster.
func ReadCredentials(ctx context.Context, r client.Reader, namespace, name, field string) (Credentials, error) {
	if name == "" {
		return Credentials{}, nil
	}
	secret := &corev1.Secret{}
	err := r.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, secret)
	if apierrors.IsNotFound(err) {
		return Credentials{}, &secretError{fmt.Sprintf("%s: Secret %q not found in namespace %q; create it or fix the name", field, name, namespace)}
	}
	if err != nil {
		return Credentials{}, fmt.Errorf("reading Secret %q named by %s: %w", name, field, err)
	}
	creds, err := CredentialsFromSecret(secret)
	if err != nil {
		return Credentials{}, &secretError{fmt.Sprintf("%s: %v", field, err)}
	}
	return creds, nil
}
