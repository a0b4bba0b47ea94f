package builtin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/porch-dev/porch/runner"
)

func TestImageMatching(t *testing.T) {
	e := New()
	for image, want := range map[string]bool{
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4":        true,
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4.5":      true,
		"gcr.io/kpt-fn/set-namespace:v0.4.1":                             true,
		"gcr.io/kpt-fn/starlark:v0.4.3":                                  true,
		"gcr.io/kpt-fn/apply-replacements:v0.1.1":                        true,
		"ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0":         true,
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.40":       false,
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.5":        false,
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace:latest":      false,
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace":             false,
		"ghcr.io/kptdev/krm-functions-catalog/set-namespace@sha256:0123": false,
		"ghcr.io/kptdev/krm-functions-catalog/no-such-fn:v0.1":           false,
		"example.com/set-namespace:v0.4":                                 false,
		"set-namespace:v0.4":                                             false,
	} {
		if got := e.Knows(image); got != want {
			t.Errorf("Knows(%q) = %v, want %v", image, got, want)
		}
	}
}

func TestUnknownImageIsNotFound(t *testing.T) {
	_, _, err := New().Evaluate(context.Background(), "gcr.io/kpt-fn/no-such-fn:v0.1", nil)
	var nf *runner.NotFoundError
	if !errors.As(err, &nf) || nf.Image != "gcr.io/kpt-fn/no-such-fn:v0.1" || !errors.Is(err, runner.ErrNotFound) {
		t.Fatalf("want a NotFoundError naming the image, got %v", err)
	}
}

func TestInvalidInputNamesImage(t *testing.T) {
	image := "gcr.io/kpt-fn/set-labels:v0.1"
	_, _, err := New().Evaluate(context.Background(), image, []byte("kind: [not a list"))
	if err == nil || errors.Is(err, runner.ErrNotFound) || !strings.Contains(err.Error(), image) {
		t.Fatalf("want a failure naming the image, got %v", err)
	}
}
