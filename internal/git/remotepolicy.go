package git

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/porch-dev/porch/internal/backend"
)

// Schemes a RemotePolicy may allow besides http and https.
const (
	SchemeFile = "file" // file:// URLs and bare paths: the manager's own disk
	SchemeSSH  = "ssh"  // ssh:// and scp-like user@host:path, with the manager's keys
	SchemeGit  = "git"  // git://, unauthenticated and unencrypted
)

// WidenableSchemes are the schemes RemotePolicy.Schemes may name.
var WidenableSchemes = []string{SchemeFile, SchemeSSH, SchemeGit}

// RemotePolicy says which remotes the manager reaches on a user's behalf.
// A user names a remote in a Repository or a clone task, and the manager
// reaches it from where it runs: with its own disk (file:// and bare paths,
// where other tenants' mirrors live), its own ssh keys (ssh), and its own
// network position (loopback and private addresses). So users get http and
// https, with credentials only from a Secret, unless the manager's flags
// widen it. The zero policy is that default.
type RemotePolicy struct {
	// Schemes are the schemes allowed besides http and https, of
	// WidenableSchemes.
	Schemes []string
	// Prefixes are remotes allowed whatever Schemes and DenyPrivate say, such
	// as the local mode's own git server: a remote is under a prefix when it
	// has the prefix's scheme, host and port, and its path is the prefix's
	// or inside it, with no ".." segment. User info is refused all the same.
	Prefixes []string
	// DenyPrivate refuses remotes whose host is, or resolves to, a loopback,
	// private, link-local or unspecified address.
	DenyPrivate bool
	// Resolver looks host names up for DenyPrivate; net.DefaultResolver
	// when nil.
	Resolver Resolver
}

// Resolver looks up the addresses of a host name.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Validate checks the policy's own settings, as the manager's flags give them.
func (p RemotePolicy) Validate() error {
	for _, s := range p.Schemes {
		if !slices.Contains(WidenableSchemes, s) {
			return fmt.Errorf("remote scheme %q cannot be allowed; the schemes are %s", s, strings.Join(WidenableSchemes, ", "))
		}
	}
	for _, prefix := range p.Prefixes {
		ep, err := transport.NewEndpoint(prefix)
		if err != nil {
			return fmt.Errorf("remote prefix %q does not parse: %v", SafeURL(prefix), err)
		}
		if ep.User != "" || ep.Password != "" {
			return fmt.Errorf("remote prefix %q carries user info", SafeURL(prefix))
		}
	}
	return nil
}

// Check says whether the remote raw, a git address, may be reached. A
// refusal wraps backend.ErrRemoteRefused, an address that does not parse
// backend.ErrInvalidAddress, and a host name that does not resolve (only
// looked up for DenyPrivate) backend.ErrUnreachable. Remotes are
// classified as go-git reaches them, so that what is checked is what is
// fetched.
func (p RemotePolicy) Check(ctx context.Context, raw string) error {
	ep, err := transport.NewEndpoint(raw)
	if err != nil {
		return fmt.Errorf("%w: %q is not a git address", backend.ErrInvalidAddress, SafeURL(raw))
	}
	// ssh names its login user in the address (git@host:path); that is no secret.
	if ep.Password != "" || (ep.User != "" && ep.Protocol != SchemeSSH) {
		return fmt.Errorf("%w: %q carries user info in the URL; put the credentials in a Secret and name it in secretRef",
			backend.ErrRemoteRefused, SafeURL(raw))
	}
	if p.underPrefix(ep) {
		return nil
	}
	switch {
	case ep.Protocol == "http" || ep.Protocol == "https":
	case ep.Protocol == SchemeFile && !slices.Contains(p.Schemes, SchemeFile):
		return fmt.Errorf("%w: %q is a path on the manager's disk (file:// or a bare path); remotes are http(s) URLs "+
			"(the manager's --allow-remote-schemes=file allows local paths)", backend.ErrRemoteRefused, raw)
	case !slices.Contains(p.Schemes, ep.Protocol):
		return fmt.Errorf("%w: %q uses %s; remotes are http(s) URLs (the manager's --allow-remote-schemes widens this)",
			backend.ErrRemoteRefused, SafeURL(raw), ep.Protocol)
	}
	if ep.Protocol == SchemeFile {
		return nil
	}
	if ep.Host == "" {
		return fmt.Errorf("%w: %q has no host", backend.ErrInvalidAddress, SafeURL(raw))
	}
	return p.CheckHost(ctx, ep.Host)
}

// CheckRegistry says whether an OCI registry address (host[:port][/path])
// may be reached: only DenyPrivate applies to it.
func (p RemotePolicy) CheckRegistry(ctx context.Context, registry string) error {
	host, _, _ := strings.Cut(registry, "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return p.CheckHost(ctx, host)
}

// CheckHost refuses, under DenyPrivate, a host that is or resolves to a
// private address. A name is refused when any of its addresses is private,
// since the connection may use any of them.
func (p RemotePolicy) CheckHost(ctx context.Context, host string) error {
	if !p.DenyPrivate {
		return nil
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	addrs := []netip.Addr{}
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, ip)
	} else {
		resolver := p.Resolver
		if resolver == nil {
			resolver = net.DefaultResolver
		}
		if addrs, err = resolver.LookupNetIP(ctx, "ip", host); err != nil {
			return fmt.Errorf("%w: host %q does not resolve, and the manager refuses private addresses (--deny-private-remotes): %v",
				backend.ErrUnreachable, host, err)
		}
	}
	for _, a := range addrs {
		if isPrivate(a) {
			return fmt.Errorf("%w: host %q is %s, a loopback, private or link-local address, which the manager refuses (--deny-private-remotes)",
				backend.ErrRemoteRefused, host, a.Unmap())
		}
	}
	return nil
}

// Addresses that reach the manager's own machine or network rather than
// the internet, beside what netip classifies.
var (
	sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT, often cluster networks
	thisNetwork        = netip.MustParsePrefix("0.0.0.0/8")
)

func isPrivate(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsUnspecified() || sharedAddressSpace.Contains(a) || thisNetwork.Contains(a)
}

// underPrefix says whether ep is one of the Prefixes or inside one.
func (p RemotePolicy) underPrefix(ep *transport.Endpoint) bool {
	if hasDotDot(ep.Path) {
		return false
	}
	for _, prefix := range p.Prefixes {
		pe, err := transport.NewEndpoint(prefix)
		if err != nil || pe.Protocol != ep.Protocol || !strings.EqualFold(pe.Host, ep.Host) || pe.Port != ep.Port {
			continue
		}
		dir := strings.TrimSuffix(pe.Path, "/")
		if dir == "" || ep.Path == dir || strings.HasPrefix(ep.Path, dir+"/") {
			return true
		}
	}
	return false
}

// hasDotDot says whether a path climbs out of a folder, which a prefix
// cannot vouch for.
func hasDotDot(p string) bool {
	return slices.Contains(strings.Split(p, "/"), "..")
}
