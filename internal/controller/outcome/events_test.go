package outcome

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEventNoteFitsAnEvent(t *testing.T) {
	short := "Repository is ready"
	if got := EventNote(short); got != short {
		t.Errorf("EventNote(%q) = %q, want it unchanged", short, got)
	}
	for _, long := range []string{strings.Repeat("x", 5000), strings.Repeat("é", 700), strings.Repeat("x", 1023) + "é"} {
		got := EventNote(long)
		if len(got) > maxEventNote || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
			t.Errorf("a note of %d bytes is cut to %d bytes (valid UTF-8: %v), want at most %d ending in …", len(long), len(got), utf8.ValidString(got), maxEventNote)
		}
	}
}
