package backend

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCredentialsFromSecret(t *testing.T) {
	secret := func(typ corev1.SecretType, data map[string]string) *corev1.Secret {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "auth"}, Type: typ, Data: map[string][]byte{}}
		for k, v := range data {
			s.Data[k] = []byte(v)
		}
		return s
	}
	tests := []struct {
		name    string
		secret  *corev1.Secret
		want    Credentials
		wantErr string
	}{
		{"basic auth", secret(corev1.SecretTypeBasicAuth, map[string]string{"username": "u", "password": "p"}), Credentials{Username: "u", Password: "p"}, ""},
		{"basic auth without password", secret(corev1.SecretTypeBasicAuth, map[string]string{"username": "u"}), Credentials{}, `needs both "username" and "password"`},
		{"opaque bearer token", secret(corev1.SecretTypeOpaque, map[string]string{"bearerToken": "t"}), Credentials{BearerToken: "t"}, ""},
		{"untyped bearer token", secret("", map[string]string{"bearerToken": "t"}), Credentials{BearerToken: "t"}, ""},
		{"opaque without token", secret(corev1.SecretTypeOpaque, map[string]string{"password": "p"}), Credentials{}, `needs the key "bearerToken"`},
		{"opaque with a CA alone", secret(corev1.SecretTypeOpaque, map[string]string{"ca.crt": "PEM"}), Credentials{CABundle: "PEM"}, ""},
		{"basic auth and a CA", secret(corev1.SecretTypeBasicAuth, map[string]string{"username": "u", "password": "p", "ca.crt": "PEM"}),
			Credentials{Username: "u", Password: "p", CABundle: "PEM"}, ""},
		{"docker config", secret(corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{}}`}), Credentials{DockerConfig: `{"auths":{}}`}, ""},
		{"docker config without its key", secret(corev1.SecretTypeDockerConfigJson, nil), Credentials{}, `needs the key ".dockerconfigjson"`},
		{"other type", secret(corev1.SecretTypeTLS, nil), Credentials{}, "has type kubernetes.io/tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CredentialsFromSecret(tt.secret)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	c := Credentials{Username: "admin", Password: "s3cr3t-pass", BearerToken: "tok-12345"}
	got := c.Redact("push as admin to http://admin:s3cr3t-pass@host failed; token tok-12345 refused")
	if strings.Contains(got, "s3cr3t-pass") || strings.Contains(got, "tok-12345") {
		t.Fatalf("secrets left in %q", got)
	}
	if !strings.Contains(got, "push as admin to http://host failed") {
		t.Fatalf("username should stay, got %q", got)
	}
}

// A password of one to three characters cannot be replaced wherever it
// appears without mangling the message; it is replaced wherever it stands
// as a credential, and the rest of the message is left alone.
func TestRedactShortSecrets(t *testing.T) {
	tests := []struct {
		name   string
		creds  Credentials
		msg    string
		want   string
		secret string
	}{
		{"1-char password in a URL", Credentials{Username: "u", Password: "a"},
			"fetching http://u:a@host/a.git failed", "fetching http://host/a.git failed", ":a@"},
		{"unknown user info in a URL", Credentials{},
			"fetching https://someone:xyz@host/x failed", "fetching https://host/x failed", "xyz"},
		{"3-char password after a marker", Credentials{Username: "u", Password: "p@s"},
			`server said: bad password: p@s; try again`, `server said: bad password: <redacted>; try again`, "p@s"},
		{"JSON field", Credentials{Username: "u", Password: "x"},
			`{"password":"x","user":"u"}`, `{"password":"<redacted>","user":"u"}`, `"x"`},
		{"1-char token after Bearer", Credentials{BearerToken: "Z"},
			"sent Authorization: Bearer Z, refused", "sent Authorization: Bearer <redacted>, refused", "Bearer Z"},
		{"token=", Credentials{BearerToken: "ab"}, "url?token=ab&x=1", "url?token=<redacted>&x=1", "=ab"},
		{"basic auth header of a short password", Credentials{Username: "u", Password: "a"},
			"header Basic dTph was refused", "header Basic <redacted> was refused", "dTph"},
		{"the letter elsewhere stays", Credentials{Username: "u", Password: "a"},
			"a branch named main", "a branch named main", ""},
		{"another value after a marker stays", Credentials{Username: "u", Password: "a"},
			"password: abc", "password: abc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.creds.Redact(tt.msg)
			if got != tt.want {
				t.Fatalf("Redact(%q) = %q, want %q", tt.msg, got, tt.want)
			}
			if tt.secret != "" && strings.Contains(got, tt.secret) {
				t.Fatalf("Redact(%q) = %q still holds %q", tt.msg, got, tt.secret)
			}
		})
	}
}
