package oci

import (
	"fmt"

	"github.com/porch-dev/porch/internal/backend"
)

// OptionsFor are the StoreOptions of a Repository's Secret: its username
// and password, bearer token or Docker config, and the CAs it adds. A
// Docker config or CA bundle that cannot be used is
// backend.ErrAuthentication, saying what is wrong without quoting it.
func OptionsFor(c backend.Credentials) (StoreOptions, error) {
	var o StoreOptions
	if c.DockerConfig != "" {
		keychain, err := KeychainFromDockerConfigJSON([]byte(c.DockerConfig))
		if err != nil {
			return StoreOptions{}, fmt.Errorf("%w: the Secret's %v", backend.ErrAuthentication, err)
		}
		o.Keychain = keychain
	} else {
		o.Auth = Authenticator(c)
	}
	if c.CABundle != "" {
		transport, err := TransportWithCA([]byte(c.CABundle))
		if err != nil {
			return StoreOptions{}, fmt.Errorf("%w: the Secret's %s: %v", backend.ErrAuthentication, backend.SecretKeyCABundle, err)
		}
		o.Transport = transport
	}
	return o, nil
}
