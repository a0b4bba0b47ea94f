package oci

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
)

// A Repository's Secret reaches the registry whatever its kind, and one
// that cannot be used is an authentication failure saying why, never
// quoting it.
func TestProbeWithEachKindOfSecret(t *testing.T) {
	const user, pass = "porch", "registry-pass-42"
	host := newRegistry(t, func(h http.Handler) http.Handler { return withBasicAuth(h, user, pass) })
	registry := host + "/packages"
	for _, tc := range []struct {
		name    string
		creds   backend.Credentials
		wantErr string
	}{
		{"basic auth", backend.Credentials{Username: user, Password: pass}, ""},
		{"docker config", backend.Credentials{DockerConfig: string(dockerConfig(host, user, pass, ""))}, ""},
		{"docker config for another registry", backend.Credentials{DockerConfig: string(dockerConfig("elsewhere.example.com", user, pass, ""))},
			"the registry needs credentials"},
		{"docker config that is not JSON", backend.Credentials{DockerConfig: `{"auths": ` + pass}, "is not a Docker config"},
		{"CA bundle that holds no certificate", backend.Credentials{Username: user, Password: pass, CABundle: "not PEM " + pass}, "ca.crt: CA bundle holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := probe(testContext(t), registry, tc.creds)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Probe: %v", err)
				}
				return
			}
			if !errors.Is(err, backend.ErrAuthentication) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Probe = %v, want an authentication failure saying %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), pass) {
				t.Fatalf("the message quotes the secret: %v", err)
			}
		})
	}
}
