package kptfile

import (
	"testing"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// upstreamPorchOCI is a Kptfile as upstream Porch writes it for a package
// cloned from an image.
const upstreamPorchOCI = `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: web
upstream:
  type: oci
  oci:
    image: registry.example.com/blueprints/web:v1
  updateStrategy: resource-merge
upstreamLock:
  type: oci
  oci:
    image: registry.example.com/blueprints/web:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`

func TestOCIOriginReadsAndWritesBackWhole(t *testing.T) {
	kf, err := Read(upstreamPorchOCI)
	if err != nil {
		t.Fatal(err)
	}
	if kf.Upstream.Type != OciOrigin || kf.Upstream.Oci == nil || kf.Upstream.Oci.Image != "registry.example.com/blueprints/web:v1" {
		t.Fatalf("upstream: got %+v", kf.Upstream)
	}
	out, err := Marshal(kf)
	if err != nil {
		t.Fatal(err)
	}
	if out != upstreamPorchOCI {
		t.Fatalf("written back differently:\n%s\nwant:\n%s", out, upstreamPorchOCI)
	}
	desc, err := Describe([]byte(upstreamPorchOCI))
	if err != nil {
		t.Fatal(err)
	}
	want := "registry.example.com/blueprints/web:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	if l := desc.UpstreamLock; l == nil || l.Type != porchv1alpha1.OriginTypeOCI || l.Oci == nil || l.Oci.Image != want || l.Git != nil {
		t.Fatalf("described lock: got %+v", l)
	}
}

func TestAnUnknownFieldUnderOCIIsStillRefused(t *testing.T) {
	_, err := Read("apiVersion: kpt.dev/v1\nkind: Kptfile\nupstream:\n  type: oci\n  oci:\n    imag: x\n")
	if err == nil {
		t.Fatal("a misspelt field was accepted")
	}
}
