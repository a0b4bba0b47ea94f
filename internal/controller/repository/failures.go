package repository

import (
	"fmt"
	"strings"
)

// shownFailures is how many of a sync's failed writes its error spells out.
const shownFailures = 3

// writeFailures are the failed writes of a sync. Its message names the
// first few and counts the rest: when the apiserver goes away in the middle
// of a sync of thousands of objects, every write fails alike, and a message
// naming each would be too long for the Repository's condition and its
// event. errors.Is and errors.As see every failure.
type writeFailures []error

// summarize is errs as one error, nil when there is none.
func summarize(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return writeFailures(errs)
}

func (f writeFailures) Error() string {
	shown := make([]string, 0, shownFailures)
	for _, err := range f[:min(len(f), shownFailures)] {
		shown = append(shown, err.Error())
	}
	msg := strings.Join(shown, "; ")
	if more := len(f) - len(shown); more > 0 {
		msg += fmt.Sprintf("; and %d more", more)
	}
	return fmt.Sprintf("%d writes failed: %s", len(f), msg)
}

func (f writeFailures) Unwrap() []error { return f }
