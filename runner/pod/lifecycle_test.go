package pod_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/porch-dev/porch/runner/pod"
)

// A pod idle for longer than the TTL is deleted with its Service, and the
// next call makes a new one.
func TestIdlePodsAreCollected(t *testing.T) {
	image := pushImage(t, "fn/idle", echoEntrypoint, echoCmd)
	f := setup(t, ready, pod.WithTTL(300*time.Millisecond), pod.WithScanInterval(50*time.Millisecond))

	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	first, _ := listPods(t, f.ns)
	if len(first) != 1 {
		t.Fatalf("pods: %v", first)
	}
	eventually(t, "the idle pod and its service to be deleted", func() bool {
		pods, services := listPods(t, f.ns)
		return len(pods)+len(services) == 0
	})
	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	if again, _ := listPods(t, f.ns); len(again) != 1 || again[0] == first[0] {
		t.Fatalf("want a new pod after the collection, got %v (first %v)", again, first)
	}
}

// A pod that never becomes ready fails the call within the ready timeout,
// naming the image, and is deleted with its Service.
func TestPodNeverReady(t *testing.T) {
	image := pushImage(t, "fn/never", echoEntrypoint, echoCmd)
	f := setup(t, pendingForever, pod.WithReadyTimeout(time.Second))

	began := time.Now()
	_, _, err := f.e.Evaluate(context.Background(), image, []byte(input))
	if err == nil || !strings.Contains(err.Error(), image) || !strings.Contains(err.Error(), "not ready within 1s") {
		t.Fatalf("want a ready timeout naming the image, got %v", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Fatalf("failed after %s", d)
	}
	f.expectNone(t)
}

// A pod that cannot pull its image fails at once, not at the ready
// timeout, and the call waiting for the image's only pod gets the same
// error instead of making another pod that fails the same way.
func TestImagePullBackOff(t *testing.T) {
	image := pushImage(t, "fn/unpullable", echoEntrypoint, echoCmd)
	f := setup(t, waiting("ImagePullBackOff", "Back-off pulling image"), pod.WithReadyTimeout(time.Minute), pod.WithMaxPodsPerFunction(1))

	began := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, _, errs[i] = f.e.Evaluate(context.Background(), image, []byte(input)) })
	}
	wg.Wait()
	for _, err := range errs {
		if err == nil || !strings.Contains(err.Error(), image) || !strings.Contains(err.Error(), "ImagePullBackOff") {
			t.Fatalf("want an ImagePullBackOff error naming the image, got %v", err)
		}
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Fatalf("failed after %s", d)
	}
	if seen := f.kubelet.pods(); len(seen) != 1 {
		t.Fatalf("want one pod made, saw %v", seen)
	}
	f.expectNone(t)
}

// A runner that restarts adopts the pods of the last one, and a runner
// with another template replaces them.
func TestRestartAdoptsPods(t *testing.T) {
	image := pushImage(t, "fn/adopted", echoEntrypoint, echoCmd)
	f := setup(t, ready)
	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := listPods(t, f.ns)

	second := newEvaluator(t, f.ns, f.wrappers)
	if _, _, err := second.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	if after, _ := listPods(t, f.ns); !slices.Equal(after, before) || len(f.kubelet.pods()) != 1 {
		t.Fatalf("the restarted runner made a pod: before %v, after %v", before, after)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    team: functions\nspec:\n  containers:\n  - name: fn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl, err := pod.LoadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	newEvaluator(t, f.ns, f.wrappers, pod.WithTemplate(tmpl))
	f.expectNone(t)
}

// A pod gone behind the evaluator's back is replaced on the next call,
// which still succeeds: the function had not run, so it runs again.
func TestVanishedPodIsReplaced(t *testing.T) {
	image := pushImage(t, "fn/vanished", echoEntrypoint, echoCmd)
	f := setup(t, ready)
	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	first, _ := listPods(t, f.ns)
	f.wrappers.stop(first[0])
	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatalf("want the call to run on a new pod, got %v", err)
	}
	if again, _ := listPods(t, f.ns); len(again) != 1 || again[0] == first[0] {
		t.Fatalf("want the pod replaced: %v, then %v", first, again)
	}
}

// Labelled pods no slot holds are deleted once stale, and Services whose
// pod is gone with them; a stray not yet stale is left alone.
func TestStraysAreCollected(t *testing.T) {
	image := pushImage(t, "fn/current", echoEntrypoint, echoCmd)
	f := setup(t, ready, pod.WithScanInterval(50*time.Millisecond), pod.WithTTL(time.Hour))
	ctx := context.Background()
	if _, _, err := f.e.Evaluate(ctx, image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	held, _ := listPods(t, f.ns)
	var current corev1.Pod
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: f.ns, Name: held[0]}, &current); err != nil {
		t.Fatal(err)
	}
	stray := func(name, templateHash string) {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{
				Name: name, Namespace: f.ns,
				Labels:      map[string]string{pod.LabelManagedBy: pod.ManagedBy},
				Annotations: map[string]string{pod.AnnotationImage: image, pod.AnnotationTemplateHash: templateHash},
			},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "function", Image: image}}},
		}
		if err := k8s.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	stray("fn-old-template", "another")
	// Made from this template just now: within the TTL.
	stray("fn-current-template", current.Annotations[pod.AnnotationTemplateHash])
	orphan := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "fn-no-pod", Namespace: f.ns, Labels: map[string]string{pod.LabelManagedBy: pod.ManagedBy}},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 9446}}},
	}
	if err := k8s.Create(ctx, orphan); err != nil {
		t.Fatal(err)
	}

	eventually(t, "the stale stray pod and the service without a pod to be deleted", func() bool {
		pods, services := listPods(t, f.ns)
		return !slices.Contains(pods, "fn-old-template") && !slices.Contains(services, "fn-no-pod")
	})
	pods, services := listPods(t, f.ns)
	if want := []string{"fn-current-template", current.Name}; !slices.Equal(pods, want) || !slices.Equal(services, held) {
		t.Fatalf("collected what was not stale: pods %v, services %v", pods, services)
	}
}
