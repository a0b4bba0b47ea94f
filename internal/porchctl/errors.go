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

// Reason is err's message as a user should read it.
func Reason(err error) string {
	return webhookDenial.ReplaceAllString(err.Error(), "")
}

// AlreadyDone is what a command's work returns for a name that is already
// where the command would take it: not a failure. Upstream says so on
// stderr for some commands ("<name> is already proposed"), which Note
// holds, and reports plain success for others (an empty Note).
type AlreadyDone struct{ Note string }

func (a AlreadyDone) Error() string { return "already done: " + a.Note }

// Each runs do for every name, printing "<name> <done>" to out for each
// that succeeds and "<name> failed (<reason>)" to errOut for each that
// fails; the error lists every reason, as upstream porchctl's does.
func Each(out, errOut io.Writer, names []string, done string, do func(name string) error) error {
	var reasons []string
	for _, name := range names {
		err := do(name)
		var already AlreadyDone
		switch {
		case errors.As(err, &already) && already.Note != "":
			fmt.Fprintf(errOut, "%s %s\n", name, already.Note)
		case err == nil || errors.As(err, &already):
			fmt.Fprintf(out, "%s %s\n", name, done)
		default:
			reasons = append(reasons, Reason(err))
			fmt.Fprintf(errOut, "%s failed (%s)\n", name, Reason(err))
		}
	}
	return Failures(reasons)
}

// Failures is the error of a command that failed for some of its
// arguments, listing the reasons; nil when there are none.
func Failures(reasons []string) error {
	if len(reasons) == 0 {
		return nil
	}
	return fmt.Errorf("errors:\n  %s", strings.Join(reasons, "\n  "))
}
