package engine

import (
	"fmt"
	"math"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/cadtest"
)

// needTools skips the benchmark when a command it compares with is missing.
func needTools(b *testing.B, tools ...string) {
	b.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s not found: benchmark skipped", tool)
		}
	}
}

// timed runs a command like run and returns how long it took.
func timed(tb testing.TB, dir string, name string, args ...string) time.Duration {
	tb.Helper()
	start := time.Now()
	cadtest.Run(tb, dir, name, args...)
	return time.Since(start)
}

// firstDiff shows the first differing file of two packages, for failures.
func firstDiff(want, got cad.Package, names []string) string {
	if len(names) == 0 {
		return ""
	}
	name := strings.TrimSuffix(strings.TrimSuffix(names[0], " (missing)"), " (unexpected)")
	return fmt.Sprintf("%s\nwant:\n%s\ngot:\n%s", name, want[name], got[name])
}

// percentile returns the nearest-rank p-th percentile of ds, in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i]) / float64(time.Millisecond)
}

// report reports the p50 and p95 of ds, in milliseconds, under name.
func report(b *testing.B, name string, ds []time.Duration) float64 {
	p50 := percentile(ds, 50)
	b.ReportMetric(p50, "ms-p50-"+name)
	b.ReportMetric(percentile(ds, 95), "ms-p95-"+name)
	return p50
}

// copyDir copies the folder src, with its .git, to dst.
func copyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		tb.Fatalf("cp %s %s: %v\n%s", src, dst, err, out)
	}
}
