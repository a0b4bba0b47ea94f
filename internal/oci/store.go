package oci

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/porch-dev/porch/internal/backend"
)

// StoreOptions configure how a Store reaches its registry.
type StoreOptions struct {
	// Auth authenticates every request; it wins over Keychain. Anonymous
	// when both are nil.
	Auth authn.Authenticator
	// Keychain is resolved once, for the registry path, when the Store is made.
	Keychain authn.Keychain
	// Transport carries the requests, such as TransportWithCA's for a
	// private CA; remote.DefaultTransport when nil.
	Transport http.RoundTripper
	// MaxPackageBytes bounds the files of a revision Read reads; 0 means no
	// bound on the files (the tar stream is still bounded, see streamLimit).
	MaxPackageBytes int64
	// Insecure speaks plain HTTP to the registry. Loopback and private
	// addresses get plain HTTP anyway (go-containerregistry's rule); this is
	// for other hosts without TLS, such as a registry Service in the cluster.
	Insecure bool
}

// Store reads and writes the packages of one Repository's registry path
// (spec.oci.registry). Each package is the image repository
// <registry path>/<package path>, each revision a tag named after its
// workspace. It holds no state but its settings, so one may be made per
// reconcile; writes from the same process are serialised per package (see
// Write).
type Store struct {
	base      string // the registry path as given, without a trailing slash
	reg       name.Registry
	prefix    string // repository path of packages in catalog answers: "" or ending in "/"
	nameOpts  []name.Option
	auth      authn.Authenticator
	transport http.RoundTripper
	maxBytes  int64
	// puller keeps, per image repository, the transport and token of the
	// first request, so that the next ones do not ping and authenticate
	// again: a listing makes one request per package and tag, not two.
	puller *remote.Puller
}

// NewStore makes the Store of a registry path such as
// registry.example.com/packages (the path may be empty).
func NewStore(registry string, opts StoreOptions) (*Store, error) {
	base := strings.TrimSuffix(registry, "/")
	invalid := func(reason string) error {
		return fmt.Errorf("%w: spec.oci.registry %q: %s", backend.ErrInvalidAddress, registry, reason)
	}
	switch {
	case base == "":
		return nil, invalid("empty; give a host and an optional path, such as registry.example.com/packages")
	case strings.Contains(base, "://"):
		return nil, invalid("give a host and path without a scheme, such as registry.example.com/packages")
	case strings.ContainsRune(base, '@') || path.Clean(base) != base:
		return nil, invalid("not a registry host and repository path")
	}
	s := &Store{base: base, maxBytes: opts.MaxPackageBytes, transport: opts.Transport, auth: opts.Auth}
	if opts.Insecure {
		s.nameOpts = []name.Option{name.Insecure}
	}
	// A package repository is <base>/<package>, parsed as upstream Porch
	// does; a probe package gives the registry and the path prefix the
	// catalog answers with.
	probe, err := name.NewRepository(base+"/x", s.nameOpts...)
	if err != nil {
		return nil, invalid(err.Error())
	}
	s.reg = probe.Registry
	s.prefix = strings.TrimSuffix(probe.RepositoryStr(), "x")
	if s.transport == nil {
		s.transport = remote.DefaultTransport
	}
	if s.auth == nil && opts.Keychain != nil {
		var target authn.Resource = s.reg
		if s.prefix != "" {
			target = s.reg.Repo(strings.TrimSuffix(s.prefix, "/"))
		}
		if s.auth, err = authn.Resolve(context.Background(), opts.Keychain, target); err != nil {
			return nil, fmt.Errorf("%w: resolving the credentials of registry %s: %s", backend.ErrAuthentication, base,
				backend.Credentials{}.Redact(err.Error()))
		}
	}
	if s.auth == nil {
		s.auth = authn.Anonymous
	}
	if s.puller, err = remote.NewPuller(remote.WithAuth(s.auth), remote.WithTransport(s.transport)); err != nil {
		return nil, fmt.Errorf("registry %s: %w", base, err)
	}
	return s, nil
}

// Registry is the registry path the Store was made for.
func (s *Store) Registry() string { return s.base }

// repository is the image repository of package pkg.
func (s *Store) repository(pkg string) (name.Repository, error) {
	if reason := pathProblem(pkg); reason != "" {
		return name.Repository{}, fmt.Errorf("%w: package %s", backend.ErrInvalidPackage, reason)
	}
	if pkg == IndexRepository {
		return name.Repository{}, fmt.Errorf("%w: package path %q is the index of packages' own", backend.ErrInvalidPackage, pkg)
	}
	return s.imageRepository(pkg)
}

func (s *Store) imageRepository(rel string) (name.Repository, error) {
	repo, err := name.NewRepository(s.base+"/"+rel, s.nameOpts...)
	if err != nil || repo.RepositoryStr() != s.prefix+rel {
		return name.Repository{}, fmt.Errorf("%w: package path %q cannot name an image repository (lowercase letters, digits and . _ - separators only)",
			backend.ErrInvalidPackage, rel)
	}
	return repo, nil
}

// tag is the reference of workspace tag of package pkg.
func (s *Store) tag(pkg, tag string) (name.Tag, error) {
	repo, err := s.repository(pkg)
	if err != nil {
		return name.Tag{}, err
	}
	if tag == LatestTag {
		return name.Tag{}, fmt.Errorf("%w: tag %q of %s is never a workspace", backend.ErrInvalidPackage, tag, repo)
	}
	ref, err := name.NewTag(repo.Name()+":"+tag, s.nameOpts...)
	if err != nil {
		return name.Tag{}, fmt.Errorf("%w: workspace %q cannot be a tag (letters, digits, _ . -, up to 128, not starting with . or -)",
			backend.ErrInvalidPackage, tag)
	}
	return ref, nil
}

func (s *Store) options(ctx context.Context) []remote.Option {
	return []remote.Option{remote.WithContext(ctx), remote.WithAuth(s.auth), remote.WithTransport(s.transport), remote.Reuse(s.puller)}
}

// head is the digest a reference points at; the zero Hash when it is absent.
func (s *Store) head(ctx context.Context, ref name.Reference) (v1.Hash, error) {
	desc, err := remote.Head(ref, s.options(ctx)...)
	if isNotFound(err) {
		return v1.Hash{}, nil
	}
	if err != nil {
		return v1.Hash{}, s.fail("image "+ref.String(), err)
	}
	return desc.Digest, nil
}

// fail turns a registry's failure into one of backend's kinds, naming what
// failed ("image host/path/pkg:ws"), never quoting the registry's answer
// (see classify): a missing image or repository is ErrRefNotFound.
func (s *Store) fail(what string, err error) error {
	if isNotFound(err) {
		return fmt.Errorf("%w: %s not found (HTTP 404)", backend.ErrRefNotFound, what)
	}
	return classify(what, s.credentials(), err)
}

func isNotFound(err error) bool {
	var terr *transport.Error
	return errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound
}

// credentials are the Store's secrets, for redacting messages and hints.
func (s *Store) credentials() backend.Credentials {
	cfg, err := s.auth.Authorization()
	if err != nil || cfg == nil {
		return backend.Credentials{}
	}
	c := backend.Credentials{Username: cfg.Username, Password: cfg.Password, BearerToken: cfg.RegistryToken}
	if c.BearerToken == "" {
		c.BearerToken = cfg.IdentityToken
	}
	return c
}
