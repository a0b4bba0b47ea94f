package controller

import (
	"slices"
	"strings"
	"testing"
)

func TestParseReconcilers(t *testing.T) {
	for value, want := range map[string][]string{
		"*":                                     OptionalReconcilers,
		"packagevariants":                       {"packagevariants"},
		" packagevariants , packagevariantsets": {"packagevariants", "packagevariantsets"},
		"":                                      nil,
	} {
		got, err := ParseReconcilers(value)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseReconcilers(%q) = %v, %v; want %v", value, got, err, want)
		}
	}
	if _, err := ParseReconcilers("packagevariants,repositories"); err == nil || !strings.Contains(err.Error(), `unknown reconciler "repositories"`) {
		t.Errorf("want an unknown reconciler named, got %v", err)
	}
	if !slices.Equal(DefaultOptions().Reconcilers, OptionalReconcilers) {
		t.Errorf("the default runs %v, want every optional reconciler", DefaultOptions().Reconcilers)
	}
}
