package controlplane

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestStartInstallsWebhooksAndStopCleansUp(t *testing.T) {
	if os.Getenv(AssetsEnv) == "" {
		t.Fatal(AssetsEnv + " is not set: run the tests with make test")
	}
	plane, err := Start(Options{EtcdDataDir: filepath.Join(t.TempDir(), "etcd")})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = plane.Stop()
		}
	})

	opts := plane.WebhookServerOptions()
	if opts.Host == "" || opts.Port == 0 || opts.CertDir == "" {
		t.Fatalf("WebhookServerOptions = %+v, want a host, a port and a certificate folder", opts)
	}
	for _, name := range []string{"tls.crt", "tls.key"} {
		if _, err := os.Stat(filepath.Join(opts.CertDir, name)); err != nil {
			t.Fatalf("no %s for the webhook server: %v", name, err)
		}
	}

	c := newClient(t, plane.Config)
	hooks := &admissionregistrationv1.ValidatingWebhookConfigurationList{}
	if err := c.List(context.Background(), hooks); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("https://%s/validate-config-porch-kpt-dev-v1alpha1-repository", net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)))
	found := false
	for _, cfg := range hooks.Items {
		for _, hook := range cfg.Webhooks {
			if hook.Name != "vrepository-v1alpha1.config.porch.kpt.dev" {
				continue
			}
			found = true
			if got := cleanURL(hook.ClientConfig.URL); got != want || len(hook.ClientConfig.CABundle) == 0 {
				t.Fatalf("the Repository webhook points at %s (CA of %d bytes), want %s and a CA", got, len(hook.ClientConfig.CABundle), want)
			}
		}
	}
	if !found {
		t.Fatalf("the Repository webhook is not installed: %+v", hooks.Items)
	}
	mutating := &admissionregistrationv1.MutatingWebhookConfigurationList{}
	if err := c.List(context.Background(), mutating); err != nil || len(mutating.Items) == 0 {
		t.Fatalf("no mutating webhook configuration installed (%v)", err)
	}
	checkManagerUser(t, plane)

	stopped = true
	if err := plane.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{opts.CertDir, plane.certDir} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("Stop left the certificate folder %s behind (%v)", dir, err)
		}
	}
}

// A kube-apiserver restarted while its clients run serves them again, at
// the same address with the same certificates, with what etcd kept.
func TestAPIServerRestartKeepsClientsAndData(t *testing.T) {
	if os.Getenv(AssetsEnv) == "" {
		t.Fatal(AssetsEnv + " is not set: run the tests with make test")
	}
	plane, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = plane.Stop() })
	user, err := plane.AddManagerUser()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, user.Config)
	ctx := context.Background()
	kept := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "kept", Namespace: "default"}}
	if err := c.Create(ctx, kept); err != nil {
		t.Fatal(err)
	}

	if err := plane.KillAPIServer(); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(kept), &corev1.ConfigMap{}); err == nil {
		t.Fatal("the apiserver answered while stopped")
	}
	if err := plane.StartAPIServer(); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(kept), &corev1.ConfigMap{}); err != nil {
		t.Fatalf("after the restart, the client made before it cannot read what it wrote: %v", err)
	}
}

// checkManagerUser checks that the manager's user reaches the apiserver
// under its own name, which the webhooks tell from the administrator's.
func checkManagerUser(t *testing.T, plane *ControlPlane) {
	t.Helper()
	user, err := plane.AddManagerUser()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, user.Config)
	review := &authenticationv1.SelfSubjectReview{}
	if err := c.Create(context.Background(), review); err != nil {
		t.Fatal(err)
	}
	if got := review.Status.UserInfo; got.Username != ManagerUser || !slices.Contains(got.Groups, "system:masters") || len(user.KubeConfig) == 0 {
		t.Fatalf("the manager's user is %+v (kubeconfig of %d bytes), want %s in system:masters", got, len(user.KubeConfig), ManagerUser)
	}
}

// newClient reaches the control plane with cfg, knowing the kinds these tests read.
func newClient(t *testing.T, cfg *rest.Config) client.Client {
	t.Helper()
	c, err := NewClient(cfg, admissionregistrationv1.AddToScheme, authenticationv1.AddToScheme, corev1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cleanURL drops the doubled slash that envtest writes between the address
// and the path ("https://host:port//validate-..."); the apiserver's webhook
// client joins the two as paths, so it calls the path itself.
func cleanURL(raw *string) string {
	if raw == nil {
		return "no URL"
	}
	u, err := url.Parse(*raw)
	if err != nil {
		return *raw
	}
	u.Path = path.Clean(u.Path)
	return u.String()
}
