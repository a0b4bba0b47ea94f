package oci

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/credentials"
	"github.com/docker/cli/cli/config/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/porch-dev/porch/internal/backend"
)

// Authenticator turns the credentials of a Repository's Secret into
// go-containerregistry's: a bearer token, a username and password, or
// none (anonymous).
func Authenticator(c backend.Credentials) authn.Authenticator {
	switch {
	case c.BearerToken != "":
		return &authn.Bearer{Token: c.BearerToken}
	case c.Username != "" || c.Password != "":
		return &authn.Basic{Username: c.Username, Password: c.Password}
	default:
		return authn.Anonymous
	}
}

// KeychainFromDockerConfigJSON reads the .dockerconfigjson of a Secret of
// type kubernetes.io/dockerconfigjson, the form `kubectl create secret
// docker-registry` writes and image pulls use. Docker's own parser reads
// it (base64 auth included). Only its inline "auths" count: a credsStore
// or credHelpers entry names a program to run, and a Secret must not
// choose what the manager executes, so those are dropped; so is the
// manager's DOCKER_AUTH_CONFIG, which is the manager's, not the Secret's.
// Error messages say what is wrong, never the content.
func KeychainFromDockerConfigJSON(data []byte) (authn.Keychain, error) {
	cf, err := config.LoadFromReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf(".dockerconfigjson is not a Docker config: %s", dockerConfigProblem(err))
	}
	if len(cf.AuthConfigs) == 0 {
		return nil, fmt.Errorf(`.dockerconfigjson holds no "auths" entry`)
	}
	cf.CredentialsStore, cf.CredentialHelpers = "", nil
	return &dockerConfigKeychain{auths: credentials.NewFileStore(cf)}, nil
}

// dockerConfigProblem describes a parse failure without quoting the data,
// which holds secrets.
func dockerConfigProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q holds a JSON %s", typ.Field, typ.Value)
	}
	return `an "auth" entry is not the base64 of user:password`
}

// dockerConfigKeychain finds credentials as Docker and go-containerregistry's
// default keychain do: by repository, then by registry, Docker Hub under
// its historical key; a host given as a URL ("https://host/v1/") matches
// too. No entry means anonymous.
type dockerConfigKeychain struct {
	auths credentials.Store
}

func (k *dockerConfigKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	for _, key := range []string{target.String(), target.RegistryStr()} {
		if key == name.DefaultRegistry {
			key = authn.DefaultAuthKey
		}
		ac, err := k.auths.Get(key)
		if err != nil {
			return nil, err
		}
		ac.ServerAddress = ""
		if ac != (types.AuthConfig{}) {
			return authn.FromConfig(authn.AuthConfig{
				Username:      ac.Username,
				Password:      ac.Password,
				IdentityToken: ac.IdentityToken,
				RegistryToken: ac.RegistryToken,
			}), nil
		}
	}
	return authn.Anonymous, nil
}
