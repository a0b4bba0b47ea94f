package oci

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/porch-dev/porch/internal/backend"
)

func TestTransportWithCA(t *testing.T) {
	srv := httptest.NewTLSServer(registry.New(registry.Logger(discardLogger())))
	t.Cleanup(srv.Close)
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	// go-containerregistry speaks plain HTTP to loopback addresses, so the
	// registry is named by the certificate's host, example.com, dialled here.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	registryPath := "example.com:" + port + "/pkgs"
	toServer := func(rt http.RoundTripper) http.RoundTripper {
		tr := rt.(*http.Transport)
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
		}
		return tr
	}

	t.Run("trusting the CA", func(t *testing.T) {
		ctx := testContext(t)
		rt, err := TransportWithCA(caPEM)
		if err != nil {
			t.Fatalf("TransportWithCA: %v", err)
		}
		s := newStore(t, registryPath, StoreOptions{Transport: toServer(rt)})
		d, err := s.Write(ctx, "pkg", "ws", mustBuild(t, draft("tls")), v1.Hash{})
		if err != nil {
			t.Fatalf("Write over TLS: %v", err)
		}
		if _, got, err := s.Read(ctx, "pkg", "ws"); err != nil || got != d {
			t.Fatalf("Read over TLS = %s, %v", got, err)
		}
	})
	t.Run("without the CA", func(t *testing.T) {
		ctx := testContext(t)
		s := newStore(t, registryPath, StoreOptions{Transport: toServer(http.DefaultTransport.(*http.Transport).Clone())})
		_, err := s.Tags(ctx, "pkg")
		if !errors.Is(err, backend.ErrUnreachable) || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("Tags = %v, want ErrUnreachable about the certificate", err)
		}
	})

	invalid := []struct {
		name, pem, want string
	}{
		{"empty", "", "holds no PEM certificate"},
		{"not PEM", "just text", "holds no PEM certificate"},
		{"a key, not a certificate", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", `block 1 is a "PRIVATE KEY"`},
		{"a broken certificate after a good one", string(caPEM) + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "block 2 is not a valid certificate"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := TransportWithCA([]byte(tt.pem)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("TransportWithCA = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
