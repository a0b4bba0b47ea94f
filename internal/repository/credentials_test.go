package repository

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
	got := c.Redact("push to http://admin:s3cr3t-pass@host failed; token tok-12345 refused")
	if strings.Contains(got, "s3cr3t-pass") || strings.Contains(got, "tok-12345") {
		t.Fatalf("secrets left in %q", got)
	}
	if !strings.Contains(got, "admin") {
		t.Fatalf("username should stay, got %q", got)
	}
}
