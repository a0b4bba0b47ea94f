package repository

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Secret keys read for credentials.
const (
	SecretKeyUsername    = corev1.BasicAuthUsernameKey
	SecretKeyPassword    = corev1.BasicAuthPasswordKey
	SecretKeyBearerToken = "bearerToken"
)

// Credentials authenticate to a remote: a username and password, or a bearer token.
type Credentials struct {
	Username    string
	Password    string
	BearerToken string
}

// IsZero says whether there are no credentials at all.
func (c Credentials) IsZero() bool {
	return c == Credentials{}
}

// CredentialsFromSecret reads credentials from a kubernetes.io/basic-auth
// Secret (username, password) or an Opaque one with bearerToken.
func CredentialsFromSecret(s *corev1.Secret) (Credentials, error) {
	switch s.Type {
	case corev1.SecretTypeBasicAuth:
		c := Credentials{Username: string(s.Data[SecretKeyUsername]), Password: string(s.Data[SecretKeyPassword])}
		if c.Username == "" || c.Password == "" {
			return Credentials{}, fmt.Errorf("secret %q of type %s needs both %q and %q", s.Name, s.Type, SecretKeyUsername, SecretKeyPassword)
		}
		return c, nil
	case corev1.SecretTypeOpaque, "":
		token := string(s.Data[SecretKeyBearerToken])
		if token == "" {
			return Credentials{}, fmt.Errorf("secret %q of type Opaque needs the key %q", s.Name, SecretKeyBearerToken)
		}
		return Credentials{BearerToken: token}, nil
	default:
		return Credentials{}, fmt.Errorf("secret %q has type %s; use %s (username, password) or Opaque (%s)",
			s.Name, s.Type, corev1.SecretTypeBasicAuth, SecretKeyBearerToken)
	}
}

// Redact removes the secret parts of the credentials from a message, so that
// no password or token reaches a log, an event or a condition.
func (c Credentials) Redact(msg string) string {
	for _, secret := range []string{c.Password, c.BearerToken} {
		if len(secret) >= 4 {
			msg = strings.ReplaceAll(msg, secret, "<redacted>")
		}
	}
	return msg
}
