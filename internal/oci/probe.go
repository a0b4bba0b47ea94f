package oci

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/porch-dev/porch/internal/backend"
)

// Probe checks that the registry answers and accepts the Store's
// credentials. The registry may carry a repository path
// (registry.example.com/packages); a repository that does not exist yet is
// fine, since packages create it.
func (s *Store) Probe(ctx context.Context) error {
	var err error
	if s.prefix != "" {
		_, err = remote.List(s.reg.Repo(strings.TrimSuffix(s.prefix, "/")), s.options(ctx)...)
	} else {
		_, err = remote.CatalogPage(s.reg, "", 1, s.options(ctx)...)
	}
	return classify("registry "+s.base, s.credentials(), err)
}

// classify sorts a failure of a request to a registry; what names what was
// asked for ("registry host/path", "image host/path/pkg:ws"). A registry's
// answer is reported by its status code and a fixed explanation, never by
// its body: the body is the remote's text, which may echo what it was sent
// or say anything at all.
func classify(what string, creds backend.Credentials, err error) error {
	if err == nil {
		return nil
	}
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusNotFound:
			return nil // the registry answered; the repository or catalog is just absent
		case http.StatusUnauthorized, http.StatusForbidden:
			hint := "check the credentials in the Secret named by spec.oci.secretRef"
			if creds.IsZero() {
				hint = "the registry needs credentials: set spec.oci.secretRef"
			}
			return fmt.Errorf("%w: %s refused access (HTTP %d); %s", backend.ErrAuthentication, what, terr.StatusCode, hint)
		default:
			return fmt.Errorf("%w: %s answered HTTP %d %s; check the address and that it serves the OCI distribution API",
				backend.ErrUnreachable, what, terr.StatusCode, http.StatusText(terr.StatusCode))
		}
	}
	if !isConnectionError(err) {
		return fmt.Errorf("%w: %s gave an answer that is not an OCI registry's; check the address and that it serves the OCI distribution API",
			backend.ErrUnreachable, what)
	}
	return fmt.Errorf("%w: %s did not answer: %s; check the address and that the registry is up",
		backend.ErrUnreachable, what, creds.Redact(err.Error()))
}

// isConnectionError says whether err failed before any answer came: the
// message is then the client's own (refused, timed out, bad certificate).
func isConnectionError(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
