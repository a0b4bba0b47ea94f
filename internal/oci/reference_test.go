package oci

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/porch-dev/porch/internal/backend"
)

func TestReadReferenceByTagAndByDigest(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, nil)
	s := newStore(t, host+"/catalog", StoreOptions{})
	p := draft("any image")
	digest, err := s.Write(ctx, "net/base", "v3", mustBuild(t, p), v1.Hash{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ image, locked string }{
		{"oci://" + host + "/catalog/net/base:v3", host + "/catalog/net/base:v3@" + digest.String()},
		{host + "/catalog/net/base:v3", host + "/catalog/net/base:v3@" + digest.String()},
		{host + "/catalog/net/base@" + digest.String(), host + "/catalog/net/base@" + digest.String()},
	} {
		ref, err := ParseImage(tc.image)
		if err != nil {
			t.Fatalf("ParseImage(%q): %v", tc.image, err)
		}
		got, locked, err := ReadReference(ctx, ref, StoreOptions{})
		if err != nil {
			t.Fatalf("ReadReference(%q): %v", tc.image, err)
		}
		if locked != tc.locked || got.Files["cm.yaml"] != p.Files["cm.yaml"] {
			t.Errorf("ReadReference(%q) = %q, %v; want %q and the files written", tc.image, locked, got.Files, tc.locked)
		}
	}
}

func TestReadReferenceRefusals(t *testing.T) {
	ctx := testContext(t)
	host := newRegistry(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "reader" || p != "hunter2-secret" {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				http.Error(w, "who are you", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	reader := StoreOptions{Auth: Authenticator(backend.Credentials{Username: "reader", Password: "hunter2-secret"})}
	s := newStore(t, host+"/catalog", reader)
	if _, err := s.Write(ctx, "base", "v1", mustBuild(t, draft("guarded")), v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, "nopkg", "v1", imageOf(t, gzLayer(t, tarGz(t, file("cm.yaml", "a: b\n")), nil)), v1.Hash{}); err != nil {
		t.Fatal(err)
	}
	wrong := StoreOptions{Auth: Authenticator(backend.Credentials{Username: "reader", Password: "not-it-at-all"})}
	for _, tc := range []struct {
		what, image string
		opts        StoreOptions
		is          error
		says        string
	}{
		{"not an address", "oci://" + host + "/Catalog/Base!:v1", reader, backend.ErrInvalidAddress, "not an image address"},
		{"wrong password", host + "/catalog/base:v1", wrong, backend.ErrAuthentication, host + "/catalog/base:v1"},
		{"missing", host + "/catalog/base:v9", reader, backend.ErrRefNotFound, "not found"},
		{"not a package", host + "/catalog/nopkg:v1", reader, backend.ErrInvalidPackage, "has no Kptfile"},
	} {
		ref, err := ParseImage(tc.image)
		if err == nil {
			_, _, err = ReadReference(ctx, ref, tc.opts)
		}
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: got %v, want %v saying %q", tc.what, err, tc.is, tc.says)
		}
		if err != nil && strings.Contains(err.Error(), "not-it-at-all") {
			t.Errorf("%s: the message holds the password: %v", tc.what, err)
		}
	}
}
