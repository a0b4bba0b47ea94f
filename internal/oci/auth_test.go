package oci

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/porch-dev/porch/internal/backend"
)

func dockerConfig(server, user, pass, extra string) []byte {
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	return fmt.Appendf(nil, `{"auths":{%q:{"auth":%q}}%s}`, server, auth, extra)
}

func TestStoreAuthentication(t *testing.T) {
	const user, pass = "porch", "registry-pass-42"
	host := newRegistry(t, func(h http.Handler) http.Handler { return withBasicAuth(h, user, pass) })
	keychain := func(config []byte) authn.Keychain {
		k, err := KeychainFromDockerConfigJSON(config)
		if err != nil {
			t.Fatalf("KeychainFromDockerConfigJSON: %v", err)
		}
		return k
	}
	tests := []struct {
		name     string
		opts     StoreOptions
		wantKind error
		wantMsg  string
	}{
		{"Authenticator from a Secret's credentials", StoreOptions{Auth: Authenticator(backend.Credentials{Username: user, Password: pass})}, nil, ""},
		{"dockerconfigjson keyed by host", StoreOptions{Keychain: keychain(dockerConfig(host, user, pass, ""))}, nil, ""},
		{"dockerconfigjson keyed by URL", StoreOptions{Keychain: keychain(dockerConfig("https://"+host+"/v1/", user, pass, ""))}, nil, ""},
		// A credential helper named by the Secret is never run (it does not exist here: running it would fail).
		{"dockerconfigjson naming helpers", StoreOptions{Keychain: keychain(dockerConfig(host, user, pass,
			`,"credsStore":"porch-test-absent","credHelpers":{"`+host+`":"porch-test-absent"}`))}, nil, ""},
		{"wrong password", StoreOptions{Auth: Authenticator(backend.Credentials{Username: user, Password: "wrong-pass-99"})},
			backend.ErrAuthentication, "check the credentials"},
		{"dockerconfigjson for another registry", StoreOptions{Keychain: keychain(dockerConfig("other.example.com", user, pass, ""))},
			backend.ErrAuthentication, "the registry needs credentials"},
		{"no credentials", StoreOptions{}, backend.ErrAuthentication, "the registry needs credentials"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			s := newStore(t, host+"/pkgs", tt.opts)
			tag := fmt.Sprintf("ws%d", i)
			_, err := s.Write(ctx, "pkg", tag, mustBuild(t, draft(tt.name)), v1.Hash{})
			if err == nil {
				_, _, err = s.Read(ctx, "pkg", tag)
			}
			if !errors.Is(err, tt.wantKind) || (tt.wantKind == nil) != (err == nil) {
				t.Fatalf("Write and Read = %v, want %v", err, tt.wantKind)
			}
			if err != nil && (!strings.Contains(err.Error(), tt.wantMsg) || !strings.Contains(err.Error(), "HTTP 401") ||
				strings.Contains(err.Error(), "wrong-pass-99") || strings.Contains(err.Error(), pass)) {
				t.Fatalf("message %q: want %q and HTTP 401, and no password", err, tt.wantMsg)
			}
		})
	}
}

func TestKeychainFromDockerConfigJSONRefuses(t *testing.T) {
	const secret = "s3cr3t-in-the-config"
	tests := []struct {
		name string
		data string
		want string
	}{
		{"not JSON", `{"auths": ` + secret, "not valid JSON"},
		{"auth not base64", `{"auths":{"r.example.com":{"auth":"` + secret + `!"}}}`, "not the base64 of user:password"},
		{"auth without a colon", `{"auths":{"r.example.com":{"auth":"` + base64.StdEncoding.EncodeToString([]byte(secret)) + `"}}}`, "not the base64"},
		{"auths of the wrong type", `{"auths":["` + secret + `"]}`, `field "auths"`},
		{"no auths", `{"credsStore":"desktop"}`, `no "auths" entry`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := KeychainFromDockerConfigJSON([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), secret) {
				t.Fatalf("KeychainFromDockerConfigJSON = %v, want an error saying %q without the content", err, tt.want)
			}
		})
	}
}
