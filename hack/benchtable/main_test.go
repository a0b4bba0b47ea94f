package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A run's output becomes rows with the figure, the target, whether it is
// over, and the limit measured beside it; a benchmark that did not run
// says so rather than showing nothing.
func TestTable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bench.txt")
	err := os.WriteFile(out, []byte(`goos: linux
pkg: github.com/porch-dev/porch/test/bench
BenchmarkAPIServerFloor/revisions-2   	       1	39367274455 ns/op	        36.10 s-for-4000-revisions	       443.2 writes/s
BenchmarkSyncLargeRepository-2   	       1	93502524912 ns/op	       182.9 MiB-peak-rss	        36.97 s-to-all-revisions
BenchmarkAuthoringLatency-2   	       1	93502524912 ns/op	       120 ms-p95-create-10pkgs	       250 ms-p95-create-1000pkgs
--- BENCH: BenchmarkSyncLargeRepository-2
    sync_bench_test.go:42: 4000 package revisions mirrored
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	results, err := read([]string{out})
	if err != nil {
		t.Fatal(err)
	}
	got := table(results)
	for _, want := range []string{
		"| sync 1,000 packages × 3 revisions: s from Repository create to all present | 37.0 (over) | ≤ 20.0 | 36.1 |",
		"|   manager peak RSS, MiB | 183 |  |  |",
		"| authoring p95 create, 1,000 packages: ms | 250 | ≤ 300 |  |",
		"| PackageVariantSet over 500 repositories: s to the Drafts | not run | ≤ 20.0 |  |",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("the table lacks the row\n%s\n%s", want, got)
		}
	}
}
