package pod

import (
	"strings"
	"testing"
)

func TestImagePolicy(t *testing.T) {
	p, err := newImagePolicy([]string{"gcr.io/kpt-fn/", "docker.io/library", "127.0.0.1:5000/fns/"}, "--pod-image-prefixes")
	if err != nil {
		t.Fatal(err)
	}
	for _, image := range []string{"gcr.io/kpt-fn/set-labels:v0.2", "gcr.io/kpt-fn/sub/fn@sha256:" + strings.Repeat("a", 64),
		"nginx:1.25", "index.docker.io/library/busybox", "127.0.0.1:5000/fns/echo:v1"} {
		if err := p.check(image); err != nil {
			t.Errorf("%s refused: %v", image, err)
		}
	}
	for _, image := range []string{"gcr.io/kpt-fn-evil/x:v1", "gcr.io/kpt-fnx:v1", "gcr.io/other/kpt-fn/x", "evil.io/gcr.io/kpt-fn/x",
		"docker.io/someone/nginx", "127.0.0.1:5001/fns/echo:v1", "not an image"} {
		err := p.check(image)
		if err == nil || !strings.Contains(err.Error(), image) {
			t.Errorf("%s: got %v, want a refusal naming it", image, err)
		}
	}
	if err := p.check("example.com/x:v1"); err == nil || !strings.Contains(err.Error(), "--pod-image-prefixes (gcr.io/kpt-fn/, docker.io/library, 127.0.0.1:5000/fns/)") {
		t.Errorf("the refusal does not name the flag and its value: %v", err)
	}

	none, err := newImagePolicy(nil, "--pod-image-prefixes")
	if err != nil {
		t.Fatal(err)
	}
	if err := none.check("gcr.io/kpt-fn/set-labels:v0.2"); err == nil || !strings.Contains(err.Error(), "no image may run in a pod") {
		t.Errorf("an empty list let an image run: %v", err)
	}
	all, err := newImagePolicy([]string{AnyImage}, "--pod-image-prefixes")
	if err != nil || all.check("example.com/anything:v1") != nil {
		t.Errorf("* refused an image: %v", err)
	}
	for _, bad := range [][]string{{"*", "gcr.io/kpt-fn/"}, {"UPPER/case"}, {"a b"}} {
		if _, err := newImagePolicy(bad, "--pod-image-prefixes"); err == nil || !strings.Contains(err.Error(), "--pod-image-prefixes") {
			t.Errorf("%q: got %v, want an error naming the flag", bad, err)
		}
	}
}

func TestDefaultImagePrefixesAdmitTheCatalog(t *testing.T) {
	p, err := newImagePolicy(DefaultImagePrefixes, "--pod-image-prefixes")
	if err != nil {
		t.Fatal(err)
	}
	for _, image := range []string{"ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2", "gcr.io/kpt-fn/apply-setters:v0.2"} {
		if err := p.check(image); err != nil {
			t.Errorf("%s refused: %v", image, err)
		}
	}
	if err := p.check("ghcr.io/someone/miner:latest"); err == nil {
		t.Error("the default let an image from outside the catalog run")
	}
}
