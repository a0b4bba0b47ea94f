package backend

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Secret keys read for credentials.
const (
	SecretKeyUsername    = corev1.BasicAuthUsernameKey
	SecretKeyPassword    = corev1.BasicAuthPasswordKey
	SecretKeyBearerToken = "bearerToken"
	// SecretKeyCABundle holds the PEM certificates of the CAs a registry's
	// TLS certificate chains to, in any of the Secrets below.
	SecretKeyCABundle = "ca.crt"
)

// Credentials authenticate to a remote: a username and password, a bearer
// token, or a Docker config (registries only); and the CAs to trust
// (registries only).
type Credentials struct {
	Username    string
	Password    string
	BearerToken string
	// DockerConfig is the .dockerconfigjson of a
	// kubernetes.io/dockerconfigjson Secret: credentials by registry host.
	DockerConfig string
	// CABundle is PEM certificates to trust besides the system's.
	CABundle string
}

// IsZero says whether there are no credentials at all.
func (c Credentials) IsZero() bool {
	return c == Credentials{}
}

// ForGit refuses what only a registry takes: git remotes authenticate
// with a username and password or a bearer token, and trust the system's
// CAs.
func (c Credentials) ForGit(secret string) error {
	switch {
	case c.DockerConfig != "":
		return fmt.Errorf("secret %q has type %s, which authenticates to OCI registries; a git repository takes %s (username, password) or Opaque (%s)",
			secret, corev1.SecretTypeDockerConfigJson, corev1.SecretTypeBasicAuth, SecretKeyBearerToken)
	case c.CABundle != "":
		return fmt.Errorf("secret %q holds %q, which only OCI registries read; a git remote's certificate must chain to the system's CAs", secret, SecretKeyCABundle)
	}
	return nil
}

// CredentialsFromSecret reads credentials from a kubernetes.io/basic-auth
// Secret (username, password), an Opaque one with bearerToken, or a
// kubernetes.io/dockerconfigjson one; any of them may add ca.crt, and an
// Opaque one may hold ca.crt alone (no credentials, a private CA).
func CredentialsFromSecret(s *corev1.Secret) (Credentials, error) {
	c, err := credentialsOf(s)
	if err != nil {
		return Credentials{}, err
	}
	c.CABundle = string(s.Data[SecretKeyCABundle])
	return c, nil
}

func credentialsOf(s *corev1.Secret) (Credentials, error) {
	switch s.Type {
	case corev1.SecretTypeBasicAuth:
		c := Credentials{Username: string(s.Data[SecretKeyUsername]), Password: string(s.Data[SecretKeyPassword])}
		if c.Username == "" || c.Password == "" {
			return Credentials{}, fmt.Errorf("secret %q of type %s needs both %q and %q", s.Name, s.Type, SecretKeyUsername, SecretKeyPassword)
		}
		return c, nil
	case corev1.SecretTypeOpaque, "":
		token := string(s.Data[SecretKeyBearerToken])
		if token == "" && len(s.Data[SecretKeyCABundle]) == 0 {
			return Credentials{}, fmt.Errorf("secret %q of type Opaque needs the key %q (or %q alone, for a private CA)", s.Name, SecretKeyBearerToken, SecretKeyCABundle)
		}
		return Credentials{BearerToken: token}, nil
	case corev1.SecretTypeDockerConfigJson:
		config := string(s.Data[corev1.DockerConfigJsonKey])
		if config == "" {
			return Credentials{}, fmt.Errorf("secret %q of type %s needs the key %q", s.Name, s.Type, corev1.DockerConfigJsonKey)
		}
		return Credentials{DockerConfig: config}, nil
	default:
		return Credentials{}, fmt.Errorf("secret %q has type %s; use %s (username, password), Opaque (%s) or, for a registry, %s",
			s.Name, s.Type, corev1.SecretTypeBasicAuth, SecretKeyBearerToken, corev1.SecretTypeDockerConfigJson)
	}
}

// minRedactAnywhere is the shortest secret value replaced wherever it
// appears in a message. A shorter one would take every such letter or
// pair of letters with it ("a" out of every word), so it is replaced only
// where a credential stands.
const minRedactAnywhere = 4

const redacted = "<redacted>"

// urlUserinfo is the user info of any URL in a message, known or not.
var urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@`)

// Redact removes the secret parts of the credentials from a message, so
// that no password or token reaches a log, an event or a condition,
// whatever its length: a value of minRedactAnywhere bytes or more wherever
// it appears, as is the base64 form a basic-auth header carries; a shorter
// one where a credential stands, after a marker such as "password",
// "token" or "Bearer". The user info of every URL is removed too, known or
// not. Better still, messages are built so that
// they hold no secret at all: the adapters report a remote's failure by its
// status and a fixed explanation, never by what the remote answered.
func (c Credentials) Redact(msg string) string {
	msg = urlUserinfo.ReplaceAllString(msg, "$1")
	secrets := []string{c.Password, c.BearerToken}
	if c.Username != "" || c.Password != "" {
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password)))
	}
	for _, secret := range secrets {
		switch {
		case secret == "":
		case len(secret) >= minRedactAnywhere:
			msg = strings.ReplaceAll(msg, secret, redacted)
		default:
			msg = afterMarker(secret).ReplaceAllString(msg, "${1}${2}"+redacted+"${3}")
		}
	}
	return msg
}

// afterMarker matches a short secret standing as the value of a
// credential marker ("password: ab", "token=ab", `"password":"ab"`,
// "Bearer ab"), as a whole value.
func afterMarker(secret string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(password|passwd|pwd|token|secret|bearer)(["']?\s*[:=]?\s*["']?)` +
		regexp.QuoteMeta(secret) + `($|[\s"',;&)\]}])`)
}
