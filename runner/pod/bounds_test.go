package pod_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/runner/pod"
)

// An image from outside the allowed prefixes is the attack: a user's
// pipeline naming any image would otherwise run it in the cluster.
func TestImageOutsideThePrefixesMakesNoPod(t *testing.T) {
	allowed := pushImage(t, "allowed/echo", echoEntrypoint, echoCmd)
	other := pushImage(t, "other/echo", echoEntrypoint, echoCmd)
	f := setup(t, ready, pod.WithImagePrefixes([]string{registryHost + "/allowed/"}))
	ctx := context.Background()

	_, _, err := f.e.Evaluate(ctx, other, []byte(input))
	if err == nil || !strings.Contains(err.Error(), other) || !strings.Contains(err.Error(), "--pod-image-prefixes ("+registryHost+"/allowed/)") {
		t.Fatalf("got %v, want a refusal naming the image and the flag", err)
	}
	f.expectNone(t)

	if out, _, err := f.e.Evaluate(ctx, allowed, []byte(input)); err != nil || string(out) != input {
		t.Fatalf("an allowed image: %q, %v", out, err)
	}
	if pods, _ := listPods(t, f.ns); len(pods) != 1 || len(f.kubelet.pods()) != 1 {
		t.Fatalf("want the allowed image's pod only, got %v (kubelet saw %v)", pods, f.kubelet.pods())
	}
}

// Renders of many images are the attack on the cluster's capacity: past
// --max-pods, a new image takes the place of the pod idle the longest.
func TestMaxPodsTakesThePlaceOfTheIdlestPod(t *testing.T) {
	images := []string{
		pushImage(t, "fn/a", echoEntrypoint, echoCmd),
		pushImage(t, "fn/b", echoEntrypoint, echoCmd),
		pushImage(t, "fn/c", echoEntrypoint, echoCmd),
	}
	f := setup(t, ready, pod.WithMaxPods(2))
	ctx := context.Background()
	for _, image := range images {
		if _, _, err := f.e.Evaluate(ctx, image, []byte(input)); err != nil {
			t.Fatalf("%s: %v", image, err)
		}
	}
	eventually(t, "the first image's pod to go", func() bool {
		pods, services := listPods(t, f.ns)
		return len(pods) == 2 && len(services) == 2 && !strings.HasPrefix(pods[0], "fn-a-") && !strings.HasPrefix(pods[1], "fn-a-")
	})
	if seen := f.kubelet.pods(); len(seen) != 3 {
		t.Fatalf("the kubelet saw %v, want a pod per image", seen)
	}
	// b's pod is now the idlest; a comes back in its place.
	if _, _, err := f.e.Evaluate(ctx, images[0], []byte(input)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b's pod to go", func() bool {
		pods, _ := listPods(t, f.ns)
		return len(pods) == 2 && strings.HasPrefix(pods[0], "fn-a-") && strings.HasPrefix(pods[1], "fn-c-")
	})
}

// When every pod is busy, a call for another image waits for one, and
// says so when its time runs out; the busy call is not disturbed.
func TestMaxPodsWaitsWhileEveryPodIsBusy(t *testing.T) {
	release := filepath.Join(t.TempDir(), "release")
	slow := pushImage(t, "fn/slow", []string{"/bin/sh", "-c"}, []string{"while [ ! -e " + release + " ]; do sleep 0.02; done; cat"})
	other := pushImage(t, "fn/other", echoEntrypoint, echoCmd)
	f := setup(t, ready, pod.WithMaxPods(1))
	ctx := context.Background()

	done := make(chan error, 1)
	go func() {
		out, _, err := f.e.Evaluate(ctx, slow, []byte(input))
		if err == nil && string(out) != input {
			err = os.ErrInvalid
		}
		done <- err
	}()
	eventually(t, "the slow function's pod", func() bool { return len(f.kubelet.pods()) == 1 })

	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	_, _, err := f.e.Evaluate(short, other, []byte(input))
	if err == nil || !strings.Contains(err.Error(), "waiting for one of the runner's 1 pods (--max-pods), all busy, to be free") {
		t.Fatalf("got %v, want the call to wait for a pod and say so", err)
	}
	if seen := f.kubelet.pods(); len(seen) != 1 {
		t.Fatalf("a pod was made past --max-pods: %v", seen)
	}

	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the busy call: %v", err)
	}
	if out, _, err := f.e.Evaluate(ctx, other, []byte(input)); err != nil || string(out) != input {
		t.Fatalf("once the pod is free: %q, %v", out, err)
	}
	eventually(t, "one pod, the other image's", func() bool {
		pods, _ := listPods(t, f.ns)
		return len(pods) == 1 && strings.HasPrefix(pods[0], "fn-other-")
	})
}
