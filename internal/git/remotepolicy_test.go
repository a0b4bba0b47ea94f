package git

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/porch-dev/porch/internal/backend"
)

// fakeResolver answers host names from a table; any other name does not resolve.
type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if addrs, ok := f[host]; ok {
		return addrs, nil
	}
	return nil, errors.New("no such host")
}

func TestRemotePolicyCheck(t *testing.T) {
	resolver := fakeResolver{
		"git.example.com": {netip.MustParseAddr("93.184.216.34")},
		"internal.corp":   {netip.MustParseAddr("93.184.216.35"), netip.MustParseAddr("10.1.2.3")},
	}
	local := RemotePolicy{Prefixes: []string{"http://127.0.0.1:40123"}, DenyPrivate: true, Resolver: resolver}
	tests := []struct {
		name    string
		policy  RemotePolicy
		remote  string
		want    error // nil: allowed
		message string
	}{
		{"https", RemotePolicy{}, "https://git.example.com/org/x.git", nil, ""},
		{"http on loopback by default", RemotePolicy{}, "http://127.0.0.1:8080/x.git", nil, ""},
		{"user and password", RemotePolicy{}, "https://alice:s3cret@git.example.com/x.git", backend.ErrRemoteRefused, "secretRef"},
		{"user alone", RemotePolicy{}, "https://alice@git.example.com/x.git", backend.ErrRemoteRefused, "secretRef"},
		{"user info under a prefix", local, "http://alice:pw@127.0.0.1:40123/x.git", backend.ErrRemoteRefused, "user info"},
		{"file URL", RemotePolicy{}, "file:///var/cache/porch/git/other-tenant", backend.ErrRemoteRefused, "--allow-remote-schemes=file"},
		{"bare absolute path", RemotePolicy{}, "/var/cache/porch/git/other-tenant", backend.ErrRemoteRefused, "manager's disk"},
		{"bare relative path", RemotePolicy{}, "../other", backend.ErrRemoteRefused, "manager's disk"},
		{"file allowed by flag", RemotePolicy{Schemes: []string{SchemeFile}}, "file:///srv/x.git", nil, ""},
		{"ssh", RemotePolicy{}, "ssh://git@git.example.com/x.git", backend.ErrRemoteRefused, "uses ssh"},
		{"scp-like is ssh", RemotePolicy{}, "git@git.example.com:org/x.git", backend.ErrRemoteRefused, "uses ssh"},
		{"scp-like allowed with ssh", RemotePolicy{Schemes: []string{SchemeSSH}}, "git@git.example.com:org/x.git", nil, ""},
		{"ssh with a password", RemotePolicy{Schemes: []string{SchemeSSH}}, "ssh://git:pw@git.example.com/x.git", backend.ErrRemoteRefused, "user info"},
		{"git protocol", RemotePolicy{}, "git://git.example.com/x.git", backend.ErrRemoteRefused, "uses git"},
		{"other scheme", RemotePolicy{}, "ftp://git.example.com/x.git", backend.ErrRemoteRefused, "uses ftp"},
		{"no host", RemotePolicy{}, "https:///x.git", backend.ErrInvalidAddress, "no host"},

		{"private: loopback literal", RemotePolicy{DenyPrivate: true}, "http://127.0.0.1:8080/x.git", backend.ErrRemoteRefused, "--deny-private-remotes"},
		{"private: IPv6 loopback", RemotePolicy{DenyPrivate: true}, "http://[::1]:8080/x.git", backend.ErrRemoteRefused, "--deny-private-remotes"},
		{"private: link-local metadata", RemotePolicy{DenyPrivate: true}, "http://169.254.169.254/x.git", backend.ErrRemoteRefused, "169.254.169.254"},
		{"private: a name with one private address", RemotePolicy{DenyPrivate: true, Resolver: resolver}, "https://internal.corp/x.git", backend.ErrRemoteRefused, "10.1.2.3"},
		{"private: public name", RemotePolicy{DenyPrivate: true, Resolver: resolver}, "https://git.example.com/x.git", nil, ""},
		{"private: unknown name", RemotePolicy{DenyPrivate: true, Resolver: resolver}, "https://nowhere.invalid/x.git", backend.ErrUnreachable, "does not resolve"},

		{"local mode: its own server", local, "http://127.0.0.1:40123/blueprints.git", nil, ""},
		{"local mode: another port", local, "http://127.0.0.1:40124/blueprints.git", backend.ErrRemoteRefused, "--deny-private-remotes"},
		{"local mode: climbing out of the prefix", RemotePolicy{Prefixes: []string{"file:///srv/shared"}}, "file:///srv/shared/../../var/cache", backend.ErrRemoteRefused, "manager's disk"},
		{"file prefix: inside", RemotePolicy{Prefixes: []string{"file:///srv/shared"}}, "/srv/shared/x.git", nil, ""},
		{"file prefix: a sibling sharing its name", RemotePolicy{Prefixes: []string{"file:///srv/shared"}}, "/srv/shared-other/x.git", backend.ErrRemoteRefused, "manager's disk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Check(context.Background(), tt.remote)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want it allowed", tt.remote, err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Check(%q) = %v, want %v saying %q", tt.remote, err, tt.want, tt.message)
			}
			for _, secret := range []string{"s3cret", ":pw@"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("the refusal shows the password: %v", err)
				}
			}
		})
	}
}

func TestRemotePolicyCheckRegistry(t *testing.T) {
	deny := RemotePolicy{DenyPrivate: true, Resolver: fakeResolver{"registry.example.com": {netip.MustParseAddr("93.184.216.34")}}}
	for registry, refused := range map[string]bool{
		"registry.example.com/packages": false,
		"127.0.0.1:5000/packages":       true,
		"10.0.0.7":                      true,
		"[fd00::1]:5000/x":              true,
	} {
		err := deny.CheckRegistry(context.Background(), registry)
		if refused != errors.Is(err, backend.ErrRemoteRefused) {
			t.Errorf("CheckRegistry(%q) = %v, want refused %t", registry, err, refused)
		}
	}
	if err := (RemotePolicy{}).CheckRegistry(context.Background(), "127.0.0.1:5000"); err != nil {
		t.Errorf("the default policy refused a loopback registry: %v", err)
	}
}

func TestRemotePolicyValidate(t *testing.T) {
	for _, tt := range []struct {
		policy RemotePolicy
		want   string
	}{
		{RemotePolicy{Schemes: []string{"file", "ssh", "git"}, Prefixes: []string{"http://127.0.0.1:1"}}, ""},
		{RemotePolicy{Schemes: []string{"ftp"}}, `remote scheme "ftp" cannot be allowed`},
		{RemotePolicy{Prefixes: []string{"http://u:p@host/x"}}, "carries user info"},
	} {
		err := tt.policy.Validate()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.policy, err, tt.want)
		}
	}
}
