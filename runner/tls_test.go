package runner_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
)

// authority is a certificate authority made for a test.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string
}

func newAuthority(t *testing.T, dir, name string) *authority {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	a := &authority{cert: cert, key: key, file: filepath.Join(dir, name+"-ca.crt")}
	writePEM(t, a.file, "CERTIFICATE", der)
	return a
}

// issue writes a certificate for name (server: for 127.0.0.1) and its key,
// and returns their files.
func (a *authority) issue(t *testing.T, dir, name string, server bool) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage, tmpl.IPAddresses = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, []net.IP{net.ParseIP("127.0.0.1")}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "EC PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func writePEM(t *testing.T, file, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The attack is a caller that is not the manager: over mutual TLS, only a
// client with a certificate of the runner's client authority runs a
// function; plaintext, an unknown server certificate and a client
// certificate of another authority all fail.
func TestMutualTLSLetsOnlyTheManagerCall(t *testing.T) {
	dir := t.TempDir()
	serverCA, clientCA, otherCA := newAuthority(t, dir, "server"), newAuthority(t, dir, "clients"), newAuthority(t, dir, "other")
	serverCert, serverKey := serverCA.issue(t, dir, "runner", true)
	managerCert, managerKey := clientCA.issue(t, dir, "manager", false)
	strangerCert, strangerKey := otherCA.issue(t, dir, "stranger", false)

	serverTLS, err := runner.ServerTLS(serverCert, serverKey, clientCA.file)
	if err != nil {
		t.Fatal(err)
	}
	_, addr := serve(t, testEvaluators(), runner.WithTLS(serverTLS))
	call := func(opts ...runner.Option) error {
		t.Helper()
		c, err := runner.NewClient(addr, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = c.Close() }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _, err = c.Run(ctx, cad.Function{Image: "first:v1"}, []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"))
		return err
	}
	clientTLS := func(ca, cert, key string) runner.Option {
		t.Helper()
		cfg, err := runner.ClientTLS(ca, cert, key)
		if err != nil {
			t.Fatal(err)
		}
		return runner.WithTLS(cfg)
	}

	if err := call(clientTLS(serverCA.file, managerCert, managerKey)); err != nil {
		t.Fatalf("the manager's call failed: %v", err)
	}
	for name, opts := range map[string][]runner.Option{
		"plaintext":                       nil,
		"no client certificate":           {clientTLS(serverCA.file, "", "")},
		"another authority's certificate": {clientTLS(serverCA.file, strangerCert, strangerKey)},
		"a server it does not trust":      {clientTLS(otherCA.file, managerCert, managerKey)},
	} {
		if err := call(opts...); !errors.Is(err, runner.ErrUnavailable) {
			t.Errorf("%s: got %v, want the connection refused", name, err)
		}
	}
}

func TestTLSFilesAreChecked(t *testing.T) {
	dir := t.TempDir()
	ca := newAuthority(t, dir, "ca")
	cert, key := ca.issue(t, dir, "runner", true)
	if _, err := runner.ServerTLS(cert, "", ""); err == nil {
		t.Error("a certificate without a key was taken")
	}
	if _, err := runner.ServerTLS(cert, filepath.Join(dir, "missing.key"), ""); err == nil {
		t.Error("a missing key was taken")
	}
	if _, err := runner.ServerTLS(cert, key, key); err == nil {
		t.Error("a client CA file with no certificate was taken")
	}
	if _, err := runner.ClientTLS(filepath.Join(dir, "missing.crt"), "", ""); err == nil {
		t.Error("a missing CA file was taken")
	}
}
