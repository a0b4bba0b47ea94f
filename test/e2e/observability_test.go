package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
	"github.com/porch-dev/porch/internal/tracing/tracingtest"
)

// TestObservability runs the manager in local mode with the function
// runner beside it, as config/default deploys them, and traces exported
// to an OTLP receiver. It publishes a package whose pipeline runs in the
// runner, then reads what an operator would: each process's /metrics,
// every family present and moved by the publish, and the trace of each
// authoring step, from its reconcile through render, the functions and
// the git push.
func TestObservability(t *testing.T) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: run the tests with make test")
	}
	bin := t.TempDir()
	buildCommands(t, bin, "manager", "runner", "isolated-function")
	traces := tracingtest.NewHTTP(t)
	runnerPort, runnerMetricsPort, managerMetricsPort := freePort(t), freePort(t), freePort(t)
	runnerMetrics := fmt.Sprintf("http://127.0.0.1:%d/metrics", runnerMetricsPort)
	managerMetrics := fmt.Sprintf("http://127.0.0.1:%d/metrics", managerMetricsPort)
	startRunner(t, filepath.Join(bin, "runner"), runnerMetrics, fmt.Sprintf("--port=%d", runnerPort), fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", runnerMetricsPort))
	dir := filepath.Join(t.TempDir(), ".porch")
	startLocalWith(t, filepath.Join(bin, "manager"), dir,
		[]string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + traces.Endpoint, "OTEL_BSP_SCHEDULE_DELAY=100"},
		fmt.Sprintf("--function-runner=127.0.0.1:%d", runnerPort),
		fmt.Sprintf("--metrics-bind-address=127.0.0.1:%d", managerMetricsPort), "--metrics-secure=false")
	c := clientFor(t, filepath.Join(dir, "kubeconfig"))
	waitReady(t, c, client.ObjectKey{Namespace: "default", Name: "blueprints"})

	managerBefore, runnerBefore := scrape(t, managerMetrics), scrape(t, runnerMetrics)
	// The example app's pipeline sets its namespace and labels: both
	// functions run in the runner.
	key := client.ObjectKey{Namespace: "default", Name: "blueprints.web.v1"}
	pr := &porchv1alpha1.PackageRevision{
		ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name},
		Spec: porchv1alpha1.PackageRevisionSpec{RepositoryName: "blueprints", PackageName: "web", WorkspaceName: "v1",
			Lifecycle: porchv1alpha1.PackageRevisionLifecycleDraft,
			Tasks: []porchv1alpha1.Task{{Type: porchv1alpha1.TaskTypeClone, Clone: &porchv1alpha1.PackageCloneTaskSpec{
				Upstream: porchv1alpha1.UpstreamPackage{UpstreamRef: &porchv1alpha1.PackageRevisionRef{Name: "blueprints.app.v1"}}}}}},
	}
	if err := c.Create(context.Background(), pr); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, key)
	for _, lifecycle := range []porchv1alpha1.PackageRevisionLifecycle{porchv1alpha1.PackageRevisionLifecycleProposed, porchv1alpha1.PackageRevisionLifecyclePublished} {
		setLifecycle(t, c, key, lifecycle)
		waitDone(t, c, key)
	}
	// The approval's sync, which mirrors the new tag, writes after the
	// revision is done.
	repo := []string{"namespace", "default", "repository", "blueprints"}
	var managerAfter map[string]*dto.MetricFamily
	waitFor(t, "the sync after the approval", time.Minute, func() bool {
		managerAfter = scrape(t, managerMetrics)
		return moved(managerBefore, managerAfter, "porch_repository_sync_object_writes_total", repo...)
	})
	runnerAfter := scrape(t, runnerMetrics)

	for _, f := range []struct {
		family string
		labels []string
	}{
		{"porch_authoring_steps_total", append([]string{"step", "create", "result", "success"}, repo...)},
		{"porch_authoring_steps_total", append([]string{"step", "propose", "result", "success"}, repo...)},
		{"porch_authoring_steps_total", append([]string{"step", "approve", "result", "success"}, repo...)},
		{"porch_authoring_step_duration_seconds", []string{"step", "approve", "result", "success"}},
		{"porch_render_function_duration_seconds", []string{"function", "ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4", "result", "success"}},
		{"porch_render_function_duration_seconds", []string{"function", "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2", "result", "success"}},
		{"porch_admission_decisions_total", []string{"webhook", "packagerevision", "namespace", "default", "decision", "allowed"}},
		{"porch_git_operation_duration_seconds", []string{"operation", "push", "result", "success"}},
		{"porch_git_operation_duration_seconds", []string{"operation", "list-refs", "result", "success"}},
		{"porch_git_transferred_bytes_total", []string{"operation", "push", "direction", "sent"}},
		{"porch_git_transferred_bytes_total", []string{"operation", "fetch", "direction", "received"}},
		{"porch_repository_sync_duration_seconds", []string{"result", "synced"}},
		{"porch_repository_syncs_total", []string{"namespace", "default", "result", "synced"}},
		{"porch_repository_sync_object_writes_total", repo},
		{"porch_repository_package_revisions", repo},
		{"porch_repository_packages", repo},
	} {
		if !moved(managerBefore, managerAfter, f.family, f.labels...) {
			t.Errorf("the manager's %s%v did not move with the publish", f.family, f.labels)
		}
	}
	for _, image := range []string{"ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4", "ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2"} {
		if !moved(runnerBefore, runnerAfter, "porch_runner_evaluation_duration_seconds", "function", image, "result", "success") {
			t.Errorf("the runner's porch_runner_evaluation_duration_seconds of %s did not move with the publish", image)
		}
	}

	// Each step is the root of a trace: the create's holds its render,
	// within it each function, and the push of the Draft; the approval's
	// holds the push of the tag.
	var create, approve []tracingtest.Span
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		create, approve = traceWith(traces.Spans(), "PackageRevision create", "git push"), traceWith(traces.Spans(), "PackageRevision approve", "git push")
		return create != nil && approve != nil, nil
	})
	if err != nil {
		t.Fatalf("no traces of the create and the approval, each with a push, within 30s; received: %s", names(traces.Spans()))
	}
	root := create[0]
	if root.Service != "porch-manager" || attribute(root, "porch.packagerevision") != key.Name || attribute(root, "porch.repository") != "blueprints" {
		t.Errorf("the create's span is %s of %s with attributes %v", root.GetName(), root.Service, root.GetAttributes())
	}
	render := spanNamed(create, "render")
	if render == nil || string(render.GetParentSpanId()) != string(root.GetSpanId()) {
		t.Fatalf("no render span under the create's: %v", names(create))
	}
	for _, fn := range []string{"function ghcr.io/kptdev/krm-functions-catalog/set-namespace:v0.4", "function ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2"} {
		if s := spanNamed(create, fn); s == nil || string(s.GetParentSpanId()) != string(render.GetSpanId()) {
			t.Errorf("no span %q under the render's: %v", fn, names(create))
		}
	}
	if !descends(create, spanNamed(create, "git push"), root) || !descends(approve, spanNamed(approve, "git push"), approve[0]) {
		t.Errorf("a push is not within its step's trace: create %v, approve %v", names(create), names(approve))
	}
}

// startRunner runs the runner binary with args until the test ends,
// waiting until its metrics endpoint answers.
func startRunner(t *testing.T, bin, metrics string, args ...string) {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), "runner.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			data, _ := os.ReadFile(log.Name())
			t.Logf("runner's log:\n%s", data)
		}
	})
	waitFor(t, "the runner's metrics", 30*time.Second, func() bool {
		_, err := readMetrics(metrics)
		return err == nil
	})
}

func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	families, err := readMetrics(url)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// moved says a series of family with labels is present after and its
// total grew.
func moved(before, after map[string]*dto.MetricFamily, family string, labels ...string) bool {
	was, _ := total(before, family, labels...)
	is, present := total(after, family, labels...)
	return present && is > was
}

// traceWith is a trace whose root span is named root and which holds a
// span named name, root first. A reconcile that read a stale copy of the
// revision may trace the same step with nothing done: such traces are
// passed over.
func traceWith(spans []tracingtest.Span, root, name string) []tracingtest.Span {
	for _, r := range spans {
		if r.GetName() != root || len(r.GetParentSpanId()) != 0 {
			continue
		}
		trace := []tracingtest.Span{r}
		for _, s := range spans {
			if string(s.GetTraceId()) == string(r.GetTraceId()) && string(s.GetSpanId()) != string(r.GetSpanId()) {
				trace = append(trace, s)
			}
		}
		if hasSpan(trace, name) {
			return trace
		}
	}
	return nil
}

func spanNamed(trace []tracingtest.Span, name string) *tracingtest.Span {
	for i := range trace {
		if trace[i].GetName() == name {
			return &trace[i]
		}
	}
	return nil
}

func hasSpan(trace []tracingtest.Span, name string) bool { return spanNamed(trace, name) != nil }

// descends says s is root or under it, following parents within trace.
func descends(trace []tracingtest.Span, s *tracingtest.Span, root tracingtest.Span) bool {
	for hops := 0; s != nil && hops <= len(trace); hops++ {
		if string(s.GetSpanId()) == string(root.GetSpanId()) {
			return true
		}
		var parent *tracingtest.Span
		for i := range trace {
			if string(trace[i].GetSpanId()) == string(s.GetParentSpanId()) {
				parent = &trace[i]
			}
		}
		s = parent
	}
	return false
}

func attribute(s tracingtest.Span, key string) string {
	for _, kv := range s.GetAttributes() {
		if kv.GetKey() == key {
			return kv.GetValue().GetStringValue()
		}
	}
	return ""
}

func names(trace []tracingtest.Span) string {
	var out []string
	for _, s := range trace {
		out = append(out, s.GetName())
	}
	return strings.Join(out, ", ")
}
