package porchctl

import (
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

// Each runs do for every name, printing "<name> <done>" to out for each
// that succeeds and "<name> failed (<reason>)" to errOut for each that
// fails; the error lists every reason, as upstream porchctl's does.
func Each(out, errOut io.Writer, names []string, done string, do func(name string) error) error {
	var reasons []string
	for _, name := range names {
		if err := do(name); err != nil {
			reasons = append(reasons, Reason(err))
			fmt.Fprintf(errOut, "%s failed (%s)\n", name, Reason(err))
			continue
		}
		fmt.Fprintf(out, "%s %s\n", name, done)
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
