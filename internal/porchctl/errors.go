package porchctl

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// webhookDenial is the prefix the apiserver puts before an admission
// webhook's refusal; upstream's refusals come from its API server itself,
// without one.
var webhookDenial = regexp.MustCompile(`admission webhook "[^"]*" denied the request: `)

// Reason is err's message as a user at porchctl should read it.
func Reason(err error) string {
	return InCLITerms(webhookDenial.ReplaceAllString(err.Error(), ""))
}

// AlreadyDone is what a command's work returns for a name that is already
// where the command would take it: not a failure. Upstream says so on
// stderr for some commands ("<name> is already proposed"), which Note
// holds, and reports plain success for others (an empty Note).
type AlreadyDone struct{ Note string }

func (a AlreadyDone) Error() string { return "already done: " + a.Note }

// Reported is the error of a command that has already printed why it
// failed, "<name> failed (<reason>)" for each name that did: PrintError
// prints nothing more for it, so that a reason is read once (upstream
// porchctl prints every reason a second time, after "Error: errors:").
type Reported struct{ Failed, Of int }

func (r Reported) Error() string { return fmt.Sprintf("%d of %d failed", r.Failed, r.Of) }

// PrintError prints a command's error to w as cobra would, "Error: <err>",
// unless the command has already reported it.
func PrintError(w io.Writer, err error) {
	if !errors.As(err, &Reported{}) {
		fmt.Fprintln(w, "Error:", err)
	}
}

// Each runs do for every name, printing "<name> <done>" to out for each
// that succeeds and "<name> failed (<reason>)" to errOut for each that
// fails; its error is Reported when any failed.
func Each(out, errOut io.Writer, names []string, done string, do func(name string) error) error {
	failed := 0
	for _, name := range names {
		err := do(name)
		var already AlreadyDone
		switch {
		case errors.As(err, &already) && already.Note != "":
			fmt.Fprintf(errOut, "%s %s\n", name, already.Note)
		case err == nil || errors.As(err, &already):
			fmt.Fprintf(out, "%s %s\n", name, done)
		default:
			failed++
			Failed(errOut, name, err)
		}
	}
	return Counted(failed, len(names))
}

// Failed prints "<name> failed (<reason>)" to errOut.
func Failed(errOut io.Writer, name string, err error) {
	fmt.Fprintf(errOut, "%s failed (%s)\n", name, Reason(err))
}

// Counted is the error of a loop over of names in which failed failed,
// each already printed with Failed; nil when none did.
func Counted(failed, of int) error {
	if failed == 0 {
		return nil
	}
	return Reported{Failed: failed, Of: of}
}

// Failures is the error of a command that failed for some of its
// arguments, listing the reasons; nil when there are none.
func Failures(reasons []string) error {
	if len(reasons) == 0 {
		return nil
	}
	return fmt.Errorf("errors:\n  %s", strings.Join(reasons, "\n  "))
}
