package render

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
)

// The progress lines follow `kpt fn render`'s, so that users read porchctl's
// output the way they read kpt's.

func (r *renderer) progressf(format string, args ...any) {
	if r.opts.Progress != nil {
		fmt.Fprintf(r.opts.Progress, format, args...)
	}
}

func (r *renderer) displayName(dir string) string {
	name := r.opts.Name
	if name == "" {
		name = "."
	}
	if dir == "" {
		return name
	}
	return path.Join(name, dir)
}

func (r *renderer) progressRunning(fn kptfilev1.Function, selected int) {
	if hasSelection(fn) {
		r.progressf("[RUNNING] %q on %d resource(s)\n", fnName(fn), selected)
		return
	}
	r.progressf("[RUNNING] %q\n", fnName(fn))
}

func (r *renderer) progressDone(fn kptfilev1.Function, record fnresultv1.Result, err error, took time.Duration) {
	status := "PASS"
	if err != nil {
		status = "FAIL"
	}
	r.progressf("[%s] %q in %s\n", status, fnName(fn), took.Round(time.Millisecond))
	if len(record.Results) > 0 {
		r.progressf("  Results:\n")
		for i := range record.Results {
			r.progressf("    %s\n", record.Results[i].String())
		}
	}
	if record.Stderr != "" {
		r.progressf("  Stderr:\n")
		for _, line := range strings.Split(record.Stderr, "\n") {
			r.progressf("    %q\n", line)
		}
	}
	// A function that could not start has no exit code: kpt, and the
	// caller, report its error at the end.
	var coded interface{ ExitCode() int }
	if err != nil && errors.As(err, &coded) {
		r.progressf("  Exit code: %d\n", record.ExitCode)
	}
}

func (r *renderer) progressSummary() {
	r.progressf("Successfully executed %d function(s) in %d package(s).\n", len(r.result.Items), r.rendered)
}
