package controlplane

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime"
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

	scheme := runtime.NewScheme()
	if err := admissionregistrationv1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(plane.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
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

	stopped = true
	if err := plane.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(opts.CertDir); !os.IsNotExist(err) {
		t.Fatalf("Stop left the certificate folder %s behind (%v)", opts.CertDir, err)
	}
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
