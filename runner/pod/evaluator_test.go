package pod_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/pod"
)

// echo copies its ResourceList through and logs a line, from an
// entrypoint split between Entrypoint and Cmd as images often have it.
var echoEntrypoint, echoCmd = []string{"/bin/sh", "-c"}, []string{"cat; echo ran in a pod >&2"}

func TestFirstCallMakesPodThenReusesIt(t *testing.T) {
	image := pushImage(t, "fn/echo", echoEntrypoint, echoCmd)
	f := setup(t, ready)
	ctx := context.Background()

	out, log, err := f.e.Evaluate(ctx, image, []byte(input))
	if err != nil || string(out) != input || string(log) != "ran in a pod\n" {
		t.Fatalf("first call: %q, %q, %v", out, log, err)
	}
	pods, services := listPods(t, f.ns)
	if len(pods) != 1 || !slices.Equal(pods, services) {
		t.Fatalf("want one pod and its service, got pods %v, services %v", pods, services)
	}
	var p corev1.Pod
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: f.ns, Name: pods[0]}, &p); err != nil {
		t.Fatal(err)
	}
	checkPod(t, &p, image)
	svc := f.wrappers.service(p.Name)
	if svc == nil || svc.Spec.Selector[pod.LabelPod] != p.Name || p.Labels[pod.LabelPod] != p.Name ||
		svc.Spec.Ports[0].Port != runner.WrapperServerPort || svc.OwnerReferences[0].UID != p.UID {
		t.Fatalf("service does not select its pod, or is not owned by it: %+v", svc)
	}

	for range 3 {
		if _, _, err := f.e.Evaluate(ctx, image, []byte(input)); err != nil {
			t.Fatal(err)
		}
	}
	if again, _ := listPods(t, f.ns); !slices.Equal(again, pods) || len(f.kubelet.pods()) != 1 {
		t.Fatalf("later calls made pods: %v, kubelet saw %v", again, f.kubelet.pods())
	}
}

// checkPod checks what the evaluator wrote into a function's pod.
func checkPod(t *testing.T, p *corev1.Pod, image string) {
	t.Helper()
	if p.Labels[pod.LabelManagedBy] != pod.ManagedBy || p.Labels[pod.LabelImageHash] == "" ||
		p.Annotations[pod.AnnotationImage] != image || p.Annotations[pod.AnnotationTemplateHash] == "" || p.Annotations[pod.AnnotationLastUsed] == "" {
		t.Errorf("labels %v, annotations %v", p.Labels, p.Annotations)
	}
	if len(p.Name) > 63 || !strings.HasPrefix(p.Name, "fn-echo-v1-") {
		t.Errorf("name %q", p.Name)
	}
	fn := p.Spec.Containers[0]
	wantArgs := []string{"--port", "9446", "--", "/bin/sh", "-c", "cat; echo ran in a pod >&2"}
	if fn.Name != "function" || fn.Image != image || !slices.Equal(fn.Command, []string{"/wrapper-server-tools/wrapper-server"}) || !slices.Equal(fn.Args, wantArgs) {
		t.Errorf("function container: %s %s %q %q", fn.Name, fn.Image, fn.Command, fn.Args)
	}
	if fn.ReadinessProbe == nil || fn.ReadinessProbe.GRPC == nil || fn.ReadinessProbe.GRPC.Port != 9446 {
		t.Errorf("readiness probe: %+v", fn.ReadinessProbe)
	}
	if len(p.Spec.InitContainers) != 1 {
		t.Fatalf("init containers: %+v", p.Spec.InitContainers)
	}
	init := p.Spec.InitContainers[0]
	if init.Image != wrapperImage || !slices.Equal(init.Command, []string{"/wrapper-server", "--install", "/wrapper-server-tools"}) {
		t.Errorf("init container: %s %q", init.Image, init.Command)
	}
	if len(p.Spec.Volumes) != 1 || p.Spec.Volumes[0].EmptyDir == nil || fn.VolumeMounts[0].Name != p.Spec.Volumes[0].Name || init.VolumeMounts[0].Name != p.Spec.Volumes[0].Name {
		t.Errorf("volumes %+v, mounts %+v and %+v", p.Spec.Volumes, fn.VolumeMounts, init.VolumeMounts)
	}
	// From the default template.
	if p.Spec.AutomountServiceAccountToken == nil || *p.Spec.AutomountServiceAccountToken || fn.Resources.Requests.Memory().IsZero() {
		t.Errorf("the default template was not applied: %+v", p.Spec)
	}
}

// Calls beyond the maximum wait for a pod rather than make one, and all
// succeed.
func TestMaxPodsPerFunction(t *testing.T) {
	image := pushImage(t, "fn/slow", []string{"/bin/sh", "-c", "sleep 0.2; cat"}, nil)
	f := setup(t, ready, pod.WithMaxPodsPerFunction(2))

	const calls = 6
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for range calls {
		wg.Go(func() {
			_, _, err := f.e.Evaluate(context.Background(), image, []byte(input))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if seen := f.kubelet.pods(); len(seen) != 2 {
		t.Fatalf("want 2 pods for %d concurrent calls, saw %v", calls, seen)
	}
}

// A call waiting for a pod gives up when its context ends.
func TestWaitForPodRespectsContext(t *testing.T) {
	image := pushImage(t, "fn/stuck", echoEntrypoint, echoCmd)
	f := setup(t, pendingForever, pod.WithMaxPodsPerFunction(1))

	firstCtx, cancelFirst := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, _, err := f.e.Evaluate(firstCtx, image, []byte(input))
		first <- err
	}()
	defer func() { cancelFirst(); <-first }()
	eventually(t, "the first call's pod", func() bool { pods, _ := listPods(t, f.ns); return len(pods) == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := f.e.Evaluate(ctx, image, []byte(input))
	if err == nil || !strings.Contains(err.Error(), image) || ctx.Err() == nil {
		t.Fatalf("want the waiting call to fail naming the image once its context ended, got %v", err)
	}
	if pods, _ := listPods(t, f.ns); len(pods) != 1 {
		t.Fatalf("the waiting call made a pod: %v", pods)
	}
}

func TestImageNotInRegistry(t *testing.T) {
	f := setup(t, ready)
	image := registryHost + "/fn/missing:v1"
	_, _, err := f.e.Evaluate(context.Background(), image, []byte(input))
	if err == nil || !strings.Contains(err.Error(), image) || !strings.Contains(err.Error(), "not found in its registry") {
		t.Fatalf("want an error naming the image, got %v", err)
	}
	f.expectNone(t)
}
