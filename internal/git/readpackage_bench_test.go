package git

import (
	"bufio"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porch-dev/porch/internal/backend"
	"github.com/porch-dev/porch/internal/gitserver"
)

// benchLargeFile is the size of the random file of the benchmark's
// repository, and benchFetchLimit the manager's default fetch limit.
const (
	benchLargeFile  = 500 << 20
	benchFetchLimit = 64 << 20
)

// BenchmarkReadPackageOfALargeFile clones a package whose folder holds a
// Kptfile and a 500 MiB file of random bytes, served by git http-backend
// over smart HTTP, with the default fetch limit of 64 MiB. It reports the
// process's peak resident memory during the reads (VmHWM, reset first),
// the largest heap in use sampled meanwhile, and the time to the refusal
// (ns/op). The repository is generated once, with the git CLI, which
// takes a while: run it alone, with -benchtime 1x.
func BenchmarkReadPackageOfALargeFile(b *testing.B) {
	ep := serveLargeFileRepo(b)
	tmp := b.TempDir()
	opts := ReadOptions{TempDir: tmp, MaxFetchBytes: benchFetchLimit, MaxPackageBytes: 1 << 20}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	runtime.GC()
	resetPeakRSS(b)
	before := residentKiB(b, "VmHWM")
	stop := sampleHeapInuse()
	for b.Loop() {
		_, _, err := ReadPackage(ctx, ep, "main", "pkg", opts)
		if !errors.Is(err, backend.ErrSourceTooLarge) {
			b.Fatalf("ReadPackage: %v; want ErrSourceTooLarge", err)
		}
	}
	heapPeak := stop()
	after := residentKiB(b, "VmHWM")
	b.ReportMetric(float64(after)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(after-before)/1024, "peak-RSS-growth-MiB")
	b.ReportMetric(float64(heapPeak)/(1<<20), "peak-HeapInuse-MiB")
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) > 0 {
		b.Fatalf("the fetch folder holds %d entries (%v)", len(entries), err)
	}
}

// serveLargeFileRepo writes the benchmark's repository with the git CLI,
// packed as a server keeps it, and serves it.
func serveLargeFileRepo(b *testing.B) Endpoint {
	b.Helper()
	root := b.TempDir()
	work := filepath.Join(root, "work")
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=Bench", "-c", "user.email=bench@example.com",
			"-c", "core.compression=1", "-c", "pack.threads=1"}, args...)...)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if err := os.MkdirAll(filepath.Join(work, "pkg"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "pkg", "Kptfile"), []byte(kptfilePlain), 0o644); err != nil {
		b.Fatal(err)
	}
	writeRandomFile(b, filepath.Join(work, "pkg", "large.bin"), benchLargeFile)
	started := time.Now()
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "a package with a large file")
	served := filepath.Join(root, "served")
	git("clone", "-q", "--bare", "--no-local", work, filepath.Join(served, "large.git"))
	b.Logf("the repository took %s to generate", time.Since(started).Round(time.Second))
	if err := os.RemoveAll(work); err != nil {
		b.Fatal(err)
	}
	srv, err := gitserver.New(gitserver.Options{Root: served})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	return Endpoint{URL: srv.RepoURL("large")}
}

// writeRandomFile writes size bytes that compression cannot shrink.
func writeRandomFile(b *testing.B, path string, size int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.NewChaCha8([32]byte{1})
	buf := make([]byte, 1<<20)
	for written := 0; written < size; written += len(buf) {
		_, _ = r.Read(buf)
		if _, err := w.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// resetPeakRSS resets the process's VmHWM to its current resident size.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("VmHWM not reset (%v): the peak includes the generation", err)
	}
}

// residentKiB reads a field of /proc/self/status, in KiB.
func residentKiB(b *testing.B, field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// sampleHeapInuse samples HeapInuse every millisecond until stopped, and
// returns the largest seen.
func sampleHeapInuse() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak.Store(max(peak.Load(), m.HeapInuse))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}
