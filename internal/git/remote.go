package git

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/porch-dev/porch/internal/backend"
)

// Endpoint is a remote git repository and the credentials to reach it.
type Endpoint struct {
	URL         string
	Credentials backend.Credentials
}

// ResolveBranch lists the remote's refs and returns the commit the branch points at.
// Failures wrap backend.ErrAuthentication, ErrUnreachable, ErrBranchNotFound
// or ErrInvalidAddress, with credentials removed from the message.
func ResolveBranch(ctx context.Context, ep Endpoint, branch string) (plumbing.Hash, error) {
	refs, err := listRefs(ctx, ep)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return plumbing.ZeroHash, fmt.Errorf("%w: the repository %s is empty, so it has no branch %q", backend.ErrBranchNotFound, SafeURL(ep.URL), branch)
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	name := plumbing.NewBranchReferenceName(branch)
	for _, ref := range refs {
		if ref.Name() == name {
			return ref.Hash(), nil
		}
	}
	return plumbing.ZeroHash, fmt.Errorf("%w: the repository %s has no branch %q", backend.ErrBranchNotFound, SafeURL(ep.URL), branch)
}

func listRefs(ctx context.Context, ep Endpoint) (_ []*plumbing.Reference, err error) {
	ctx, end := startOperation(ctx, "list-refs", ep)
	defer func() { end(err) }()
	if err := checkURL(ep.URL); err != nil {
		return nil, err
	}
	remote := gogit.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: "origin", URLs: []string{ep.URL}})
	refs, err := remote.ListContext(ctx, &gogit.ListOptions{Auth: authMethod(ep.Credentials)})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return nil, err // the caller decides what an empty repository means
	}
	if err != nil {
		return nil, classify(ep, "listing the refs of", err)
	}
	return refs, nil
}

// authMethod turns credentials into go-git's HTTP auth; nil means anonymous.
func authMethod(c backend.Credentials) transport.AuthMethod {
	switch {
	case c.BearerToken != "":
		return &githttp.TokenAuth{Token: c.BearerToken}
	case c.Username != "" || c.Password != "":
		return &githttp.BasicAuth{Username: c.Username, Password: c.Password}
	default:
		return nil
	}
}

// classify maps a go-git error to one of the repository error kinds with an
// actionable message free of credentials.
func classify(ep Endpoint, doing string, err error) error {
	where := SafeURL(ep.URL)
	var kind error
	var hint string
	// go-git appends the body of a 401, 403 or 404 answer to these errors:
	// what the remote said, which may echo the credentials sent. Only the
	// kind of answer is reported.
	what := err.Error()
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		kind = backend.ErrAuthentication
		what = transport.ErrAuthorizationFailed.Error()
		if errors.Is(err, transport.ErrAuthenticationRequired) {
			what = transport.ErrAuthenticationRequired.Error()
		}
		if ep.Credentials.IsZero() {
			hint = "the repository needs credentials: set secretRef to a Secret with them"
		} else {
			hint = "check the username and password or token in the Secret named by secretRef"
		}
	case errors.Is(err, transport.ErrRepositoryNotFound):
		kind = backend.ErrUnreachable
		what = transport.ErrRepositoryNotFound.Error()
		hint = "no repository at this address: check spec.git.repo"
	case errors.Is(err, context.DeadlineExceeded), isNetError(err):
		kind = backend.ErrUnreachable
		hint = "check the address and that the server is up"
	default:
		kind = backend.ErrUnreachable
		hint = "check the address and that it serves git"
	}
	msg := fmt.Sprintf("%s %s failed: %s; %s", doing, where, what, hint)
	return fmt.Errorf("%w: %s", kind, ep.Credentials.Redact(stripUserinfo(msg, ep.URL)))
}

func isNetError(err error) bool {
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &netErr) || errors.As(err, &opErr)
}

func checkURL(raw string) error {
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("%w: %q does not parse as a URL", backend.ErrInvalidAddress, SafeURL(raw))
		}
		if u.Host == "" && u.Scheme != "file" {
			return fmt.Errorf("%w: %q has no host", backend.ErrInvalidAddress, SafeURL(raw))
		}
	}
	return nil
}

// SafeURL is the address without any user or password in it, fit for messages.
func SafeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.Index(raw, "@"); i >= 0 && strings.Contains(raw[:i], "://") {
			return raw[:strings.Index(raw, "://")+3] + raw[i+1:]
		}
		return raw
	}
	u.User = nil
	return u.String()
}

// stripUserinfo replaces the raw address, which may embed credentials, by its safe form.
func stripUserinfo(msg, raw string) string {
	if safe := SafeURL(raw); safe != raw {
		return strings.ReplaceAll(msg, raw, safe)
	}
	return msg
}
