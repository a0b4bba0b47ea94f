package repository

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The attack: the apiserver goes away in the middle of a sync of thousands
// of objects, and every write fails. The sync's error names a few and
// counts them all, short enough for a condition and an event, and still
// says what kind of failure each was.
func TestWriteFailuresAreSummarized(t *testing.T) {
	var errs []error
	for i := range 5000 {
		errs = append(errs, fmt.Errorf("creating PackageRevision \"large.p%04d.v1\": dial tcp 127.0.0.1:6443: connect: connection refused", i))
	}
	errs = append(errs, apierrors.NewConflict(schema.GroupResource{Resource: "packagerevisions"}, "large.p9999.v1", errors.New("changed")))
	err := summarize(errs)
	msg := err.Error()
	if len(msg) > 1024 {
		t.Errorf("the message of 5,001 failures is %d bytes long, want at most 1 KiB", len(msg))
	}
	for _, want := range []string{"5001 writes failed", `"large.p0000.v1"`, "and 4998 more"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message %q does not say %q", msg, want)
		}
	}
	if !apierrors.IsConflict(err) {
		t.Error("the conflict among the failures is not seen through the summary")
	}

	one := errors.New("one failure")
	if got := summarize([]error{one}); got != one {
		t.Errorf("one failure is %v, want it as it is", got)
	}
	if summarize(nil) != nil {
		t.Error("no failure is an error")
	}
}
