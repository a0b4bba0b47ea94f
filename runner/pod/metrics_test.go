package pod_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// A call that finds no pod makes one, counted once, and timed until its
// wrapper server answers; the next call reuses it. The pods gauge follows
// the pod through the call: starting while it is not ready, busy while
// the function runs, idle after.
func TestPodMetricsFollowACall(t *testing.T) {
	release := filepath.Join(t.TempDir(), "release")
	image := pushImage(t, "fn/metered", []string{"/bin/sh", "-c"}, []string{"while [ ! -e " + release + " ]; do sleep 0.02; done; cat"})
	f := setup(t, pendingForever)
	reg := prometheus.NewRegistry()
	if err := reg.Register(f.e); err != nil {
		t.Fatal(err)
	}
	states := func() [3]float64 {
		return [3]float64{
			sample(t, reg, "porch_runner_pods", "function", image, "state", "starting"),
			sample(t, reg, "porch_runner_pods", "function", image, "state", "busy"),
			sample(t, reg, "porch_runner_pods", "function", image, "state", "idle"),
		}
	}

	done := make(chan error, 1)
	go func() {
		_, _, err := f.e.Evaluate(context.Background(), image, []byte(input))
		done <- err
	}()
	eventually(t, "a starting pod", func() bool { return states() == [3]float64{1, 0, 0} })
	eventually(t, "the pod made", func() bool { return len(f.kubelet.pods()) == 1 })
	setStatus(t, f.ns, f.kubelet.pods()[0], ready(nil))
	eventually(t, "a busy pod", func() bool { return states() == [3]float64{0, 1, 0} })

	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := states(); got != [3]float64{0, 0, 1} {
		t.Fatalf("after the call: starting, busy, idle = %v, want one idle pod", got)
	}
	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	if n := sample(t, reg, "porch_runner_pod_cold_starts_total", "function", image); n != 1 {
		t.Fatalf("two calls, one pod: %v cold starts", n)
	}
	if n := sample(t, reg, "porch_runner_pod_start_duration_seconds", "result", "success"); n != 1 {
		t.Fatalf("%v pod starts timed, want 1", n)
	}
}

// A pod adopted after a restart is no cold start, and its start is not
// timed: the runner did not make it.
func TestAdoptedPodIsNoColdStart(t *testing.T) {
	image := pushImage(t, "fn/adopted-metrics", echoEntrypoint, echoCmd)
	f := setup(t, ready)
	if _, _, err := f.e.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	second := newEvaluator(t, f.ns, f.wrappers)
	reg := prometheus.NewRegistry()
	if err := reg.Register(second); err != nil {
		t.Fatal(err)
	}
	if n := sample(t, reg, "porch_runner_pods", "function", image, "state", "idle"); n != 1 {
		t.Fatalf("%v idle pods after the adoption, want 1", n)
	}
	if _, _, err := second.Evaluate(context.Background(), image, []byte(input)); err != nil {
		t.Fatal(err)
	}
	if n := sample(t, reg, "porch_runner_pod_cold_starts_total", "function", image); n != 0 {
		t.Fatalf("the adopted pod counted as %v cold starts", n)
	}
	if n := sample(t, reg, "porch_runner_pod_start_duration_seconds", "result", "success"); n != 0 {
		t.Fatalf("the adopted pod's start timed %v times", n)
	}
}

// setStatus sets a pod's status, as the kubelet would have.
func setStatus(t *testing.T, ns, name string, status *corev1.PodStatus) {
	t.Helper()
	ctx := context.Background()
	var p corev1.Pod
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, &p); err != nil {
		t.Fatal(err)
	}
	p.Status = *status
	if err := k8s.Status().Update(ctx, &p); err != nil {
		t.Fatal(err)
	}
}

// sample is the value of the metric name with the given label pairs: a
// gauge's or counter's value, a histogram's sample count, 0 when absent.
func sample(t *testing.T, reg *prometheus.Registry, name string, labelPairs ...string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labelPairs); i += 2 {
				if labels[labelPairs[i]] != labelPairs[i+1] {
					continue metrics
				}
			}
			switch {
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount())
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			default:
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}
