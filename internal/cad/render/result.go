package render

import (
	"io"
	"time"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
)

// Result is what a render reports, in kpt's FunctionResultList shape: one
// item per function run, in the order they ran, and an exit code that is 0
// only when every function succeeded.
type Result = fnresultv1.ResultList

// Options tunes a render.
type Options struct {
	// Progress, when set, receives kpt's progress lines: the package being
	// rendered, then [RUNNING], [PASS] or [FAIL] for each function with its
	// results and stderr.
	Progress io.Writer
	// Name is how the root package is named in progress lines; kpt uses the
	// folder's name. Subpackages are named Name/path.
	Name string
	// Path is where the package lives, '/'-separated and absolute, when it
	// lives in a folder: functions see it in each resource's
	// internal.config.kubernetes.io/package-path annotation, as in kpt.
	// Empty means "/".
	Path string
	// FunctionTimeout bounds each function's run; 0 means no bound.
	FunctionTimeout time.Duration
	// PipelineTimeout bounds the whole render, every package's pipeline;
	// 0 means no bound.
	PipelineTimeout time.Duration
	// DefaultImagePrefix is put before a function image named without a
	// registry or path (apply-setters:v0.2), as kpt and upstream Porch do
	// (--default-image-prefix, cad.DefaultImagePrefix). Results and progress
	// lines name the image as the Kptfile writes it. Empty leaves images
	// as written.
	DefaultImagePrefix string
}

func newResult() *Result {
	return fnresultv1.NewResultList()
}
