package oci

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/backend"
)

// withBasicAuth guards a registry the way a real one does: 401 with a Basic challenge.
func withBasicAuth(h http.Handler, user, pass string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="registry"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func TestProbe(t *testing.T) {
	open := newRegistry(t, nil)
	guarded := newRegistry(t, func(h http.Handler) http.Handler { return withBasicAuth(h, "u", "registry-pass") })

	tests := []struct {
		name     string
		registry string
		creds    backend.Credentials
		wantKind error
	}{
		{"open registry", open, backend.Credentials{}, nil},
		{"open registry with a repository path", open + "/packages", backend.Credentials{}, nil},
		{"guarded, right credentials", guarded + "/packages", backend.Credentials{Username: "u", Password: "registry-pass"}, nil},
		{"guarded, wrong credentials", guarded + "/packages", backend.Credentials{Username: "u", Password: "wrong-pass-99"}, backend.ErrAuthentication},
		{"guarded, no credentials", guarded, backend.Credentials{}, backend.ErrAuthentication},
		{"nothing listening", "127.0.0.1:1/packages", backend.Credentials{}, backend.ErrUnreachable},
		{"not an address", "UPPER CASE/x", backend.Credentials{}, backend.ErrInvalidAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			err := probe(ctx, tt.registry, tt.creds)
			if !errors.Is(err, tt.wantKind) || (tt.wantKind == nil && err != nil) {
				t.Fatalf("Probe(%q) = %v, want %v", tt.registry, err, tt.wantKind)
			}
			if err != nil && strings.Contains(err.Error(), "wrong-pass-99") {
				t.Fatalf("message leaks the password: %v", err)
			}
			// A failure before any answer says what the client met.
			if tt.name == "nothing listening" && !strings.Contains(err.Error(), "connection refused") {
				t.Fatalf("the message of an unreachable registry does not say why: %v", err)
			}
		})
	}
}

// The attack: a registry whose answers carry a sentinel and echo the
// credentials sent. The message reports the status, never the body.
func TestProbeReportsNoBody(t *testing.T) {
	const sentinel = "SENTINEL-REGISTRY-BODY"
	answer := func(status int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body + " " + r.Header.Get("Authorization")))
		}))
		t.Cleanup(srv.Close)
		return strings.TrimPrefix(srv.URL, "http://")
	}
	tests := []struct {
		name     string
		registry string
		wantKind error
		wantMsg  string
	}{
		{"server error", answer(http.StatusInternalServerError, sentinel), backend.ErrUnreachable, "answered HTTP 500 Internal Server Error"},
		{"teapot with JSON errors", answer(http.StatusTeapot, `{"errors":[{"code":"DENIED","message":"`+sentinel+`"}]}`), backend.ErrUnreachable, "answered HTTP 418"},
		{"unauthorized", answer(http.StatusUnauthorized, sentinel), backend.ErrAuthentication, "HTTP 401"},
		{"not a registry's answer", answer(http.StatusOK, sentinel), backend.ErrUnreachable, "not an OCI registry's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for _, registry := range []string{tt.registry, tt.registry + "/packages"} {
				err := probe(ctx, registry, backend.Credentials{Username: "u", Password: "§"})
				if !errors.Is(err, tt.wantKind) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("Probe(%q) = %v, want %v saying %q", registry, err, tt.wantKind, tt.wantMsg)
				}
				for _, leak := range []string{sentinel, "§", "Basic "} {
					if strings.Contains(err.Error(), leak) {
						t.Fatalf("Probe(%q): the message holds %q: %v", registry, leak, err)
					}
				}
			}
		})
	}
}

// probe is what the sync does first: a Store of the Secret's credentials,
// which asks the registry.
func probe(ctx context.Context, registry string, creds backend.Credentials) error {
	opts, err := OptionsFor(creds)
	if err != nil {
		return err
	}
	s, err := NewStore(registry, opts)
	if err != nil {
		return err
	}
	return s.Probe(ctx)
}
