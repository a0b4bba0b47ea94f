package runner_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/runner"
)

var results = []string{"success", "failure", "timeout", "canceled", "not_found"}

// Each call is observed once, under its function and the result the
// server saw. The histogram is shared by every server of the package's
// tests, so the test reads what its own calls added.
func TestEvaluationDurationByResult(t *testing.T) {
	reg := prometheus.NewRegistry()
	if err := runner.RegisterMetrics(reg); err != nil {
		t.Fatal(err)
	}
	if err := runner.RegisterMetrics(reg); err == nil {
		t.Fatal("want an error registering the metrics twice in one registry")
	}
	if err := runner.RegisterMetrics(prometheus.NewRegistry()); err != nil {
		t.Fatalf("another registry: %v", err)
	}
	evaluators := append(testEvaluators(), newDeaf(t))
	client, _ := serve(t, evaluators, runner.WithCallTimeout(300*time.Millisecond))
	ctx := context.Background()

	calls := []struct{ image, result string }{
		{"first:v1", "success"},
		{"fails:v1", "failure"},
		{"deaf:v1", "timeout"},
		{"nobody:v9", "not_found"},
	}
	for _, c := range calls {
		before := counts(t, reg, c.image)
		_, _, err := client.Run(ctx, cad.Function{Image: c.image}, []byte("in"))
		if (err == nil) != (c.result == "success") {
			t.Fatalf("%s: %v", c.image, err)
		}
		// The server observes before it answers: no wait is needed.
		checkOneMore(t, c.image, c.result, before, counts(t, reg, c.image))
	}

	// A caller that goes away: the server sees it only after the
	// client has returned, so the histogram is polled.
	before := counts(t, reg, "deaf:v1")
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, _, err := client.Run(cctx, cad.Function{Image: "deaf:v1"}, []byte("in")); err == nil {
		t.Fatal("want the call cancelled")
	}
	deadline := time.Now().Add(5 * time.Second)
	for counts(t, reg, "deaf:v1")["canceled"] == before["canceled"] && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	checkOneMore(t, "deaf:v1", "canceled", before, counts(t, reg, "deaf:v1"))
}

// checkOneMore checks that image has one more sample under result, and
// no more under any other.
func checkOneMore(t *testing.T, image, result string, before, after map[string]uint64) {
	t.Helper()
	for _, r := range results {
		want := before[r]
		if r == result {
			want++
		}
		if after[r] != want {
			t.Errorf("%s: %d samples with result %s, want %d (before: %v, after: %v)", image, after[r], r, want, before, after)
		}
	}
}

// counts are the histogram's sample counts for image, by result.
func counts(t *testing.T, reg *prometheus.Registry, image string) map[string]uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, f := range families {
		if f.GetName() != "porch_runner_evaluation_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["function"] == image {
				out[labels["result"]] += m.GetHistogram().GetSampleCount()
			}
		}
	}
	return out
}
