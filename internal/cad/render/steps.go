package render

import (
	"errors"
	"fmt"
	"strings"

	fnresultv1 "github.com/kptdev/kpt/api/fnresult/v1"
	kptfilev1 "github.com/kptdev/kpt/api/kptfile/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/kptfile"
)

// maxStepStderr bounds the stderr a step records in the Kptfile, which is
// committed with the package: a function that writes megabytes must not
// make every revision carry them.
const maxStepStderr = 4 << 10

// stepLog is what each function of a render did, for the root Kptfile's
// status.renderStatus.
type stepLog struct {
	mutation, validation []kptfilev1.PipelineStepResult
	failed               []string
}

// add records one function's run: what it reported, and, when it failed,
// its error results and why, in the error summary.
func (l *stepLog) add(fn kptfilev1.Function, mutator bool, record *fnresultv1.Result, err error, root string) {
	step := kptfilev1.PipelineStepResult{Name: fn.Name, Image: fn.Image, ExecPath: fn.Exec}
	if record != nil {
		step.ExitCode, step.Stderr, step.Results = record.ExitCode, bounded(record.Stderr), record.Results
	}
	if err != nil {
		why := fmt.Sprintf("exit code %d", step.ExitCode)
		var exited interface{ ExitCode() int }
		if !errors.As(err, &exited) {
			// It did not exit with a code of its own: not found, stopped,
			// refused, or its output was not a ResourceList.
			step.ExecutionError = relative(err.Error(), root)
			why = step.ExecutionError
		}
		for _, r := range step.Results {
			if r.Severity == framework.Error {
				step.ErrorResults = append(step.ErrorResults, r)
			}
		}
		name := fn.Name
		if name == "" {
			name = fnName(fn)
		}
		l.failed = append(l.failed, name+": "+why)
	}
	if mutator {
		l.mutation = append(l.mutation, step)
	} else {
		l.validation = append(l.validation, step)
	}
}

// stepError is err as one step of the package in dir records it: without
// the package, which the error names for the render as a whole.
func stepError(err error, dir string) error {
	if err == nil {
		return nil
	}
	message, ok := strings.CutPrefix(err.Error(), fmt.Sprintf("package %q: ", displayDir(dir)))
	if !ok {
		return err
	}
	return &stepFailure{message: message, err: err}
}

// stepFailure is a step's error with the message it records.
type stepFailure struct {
	message string
	err     error
}

func (e *stepFailure) Error() string { return e.message }
func (e *stepFailure) Unwrap() error { return e.err }

// status is the render status, or nil when no function ran.
func (l *stepLog) status() *kptfilev1.RenderStatus {
	if len(l.mutation) == 0 && len(l.validation) == 0 {
		return nil
	}
	return &kptfilev1.RenderStatus{MutationSteps: l.mutation, ValidationSteps: l.validation, ErrorSummary: strings.Join(l.failed, "\n")}
}

// withRenderStatus is pkg with the render's outcome in its root Kptfile
// (kptfile.WithRenderStatus). A Kptfile that does not parse, which the
// render reported, stays as it is.
func withRenderStatus(pkg cad.Package, steps *stepLog, renderErr error, root string) cad.Package {
	content, ok := pkg[cad.KptfileName]
	if !ok {
		return pkg
	}
	rendered := kptfilev1.NewRenderedCondition(kptfilev1.ConditionTrue, kptfilev1.ReasonRenderSuccess, "")
	if renderErr != nil {
		rendered = kptfilev1.NewRenderedCondition(kptfilev1.ConditionFalse, kptfilev1.ReasonRenderFailed, relative(renderErr.Error(), root))
	}
	updated, err := kptfile.WithRenderStatus(content, rendered, steps.status())
	if err != nil || updated == content {
		return pkg
	}
	out := pkg.Copy()
	out[cad.KptfileName] = updated
	return out
}

// relative is message with the package's folder, where a render on disk
// names it, written as ".", as kpt does, so that the status is the same
// wherever the package is rendered.
func relative(message, root string) string {
	if root == "" || root == "/" {
		return message
	}
	return strings.ReplaceAll(message, root, ".")
}

func bounded(stderr string) string {
	if len(stderr) <= maxStepStderr {
		return stderr
	}
	return strings.ToValidUTF8(stderr[:maxStepStderr], "") + fmt.Sprintf("\n... (%d more bytes)", len(stderr)-maxStepStderr)
}
